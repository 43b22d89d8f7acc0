/**
 * The renderer build: src-renderer -> dist/renderer. Relative asset URLs
 * (base './') so the same files load from file:// in Electron and from the
 * web bridge's http://127.0.0.1:PORT/. The page's Content-Security-Policy is
 * put into index.html as a meta tag at build time: Electron's file:// pages
 * cannot count on a response header for it.
 *
 * Written with the hosts (issue 4); the UI (issue 5) owns it: keep the output
 * folder, base './' and the CSP meta tag, which both hosts rely on.
 */
import { defineConfig, type Plugin } from 'vite';
import { rendererCsp } from './src-shared/transport';

function cspMetaTag(): Plugin {
  return {
    name: 'lading-csp-meta',
    apply: 'build',
    transformIndexHtml() {
      return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: rendererCsp() }, injectTo: 'head-prepend' }];
    },
  };
}

export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [cspMetaTag()],
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No inline scripts or styles (the CSP allows 'self' only) and no eval in source maps.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'chrome120',
    // One bundle (React, react-query, zod, the app) of about 0.5 MB, loaded from disk or loopback: no need to split it.
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      onwarn(warning, warn) {
        // Noise from dependencies: react-query's "use client" directives, zod's comment placement.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' || warning.code === 'INVALID_ANNOTATION') return;
        warn(warning);
      },
    },
  },
});
