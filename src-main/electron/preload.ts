/**
 * The preload of the Lading window. It runs sandboxed (contextIsolation and
 * sandbox on), so it is bundled into one CommonJS file whose only require is
 * 'electron' (scripts/build-main.ts); the build fills in the operation names
 * from the contract, so the contract's schemas are not bundled here.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { PRELOAD_GLOBAL } from '../../src-shared/transport';
import { createPreloadGlobal } from './preload-global';

declare const __LADING_OPERATION_NAMES__: readonly string[];

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, createPreloadGlobal(ipcRenderer, __LADING_OPERATION_NAMES__));
