/**
 * What the app's entries do before anything else (src-main/electron/main.ts and
 * src-main/web/main.ts import registry/memory/app-process first).
 * timeChild() loads it with `node --import` ahead of the child's bundle: an
 * ESM bundle's external imports (undici) are evaluated before any of its own
 * code, and they alone grow V8's new space to 8 MB, which never shrinks back.
 */
import '../../src-main/registry/memory/app-process';
