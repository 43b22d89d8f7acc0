/**
 * The renderer build: src-renderer -> dist/renderer. Relative asset URLs
 * (base './') so the same files load from file:// in Electron and from the
 * web bridge's http://127.0.0.1:PORT/. The page's Content-Security-Policy is
 * put into index.html as a meta tag at build time: Electron's file:// pages
 * cannot count on a response header for it.
 *
 * A minimal config written with the hosts (issue 4); the UI owns it from here.
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
  },
});
