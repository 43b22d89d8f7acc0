/**
 * What the preload exposes to the page as its global `lading` (see PreloadGlobal in
 * src-shared/transport.ts): one function per operation, named as in the
 * contract, each invoking that operation's own channel; job events; the
 * folder picker. The page never gets ipcRenderer, an IPC event object, or a
 * way to name a channel itself.
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { JobEvent } from '../../src-shared/contract';
import { JOB_EVENT_CHANNEL, operationChannel, PICK_FOLDER_CHANNEL, type PreloadGlobal } from '../../src-shared/transport';

/** The part of ipcRenderer used (preload.ts passes Electron's own, so the type check holds it to electron's .d.ts). */
export interface PreloadIpc {
  invoke: IpcRenderer['invoke'];
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
}

export function createPreloadGlobal(ipcRenderer: PreloadIpc, operationNames: readonly string[]): PreloadGlobal {
  const exposed: Record<string, unknown> = {};
  for (const name of operationNames) {
    const channel = operationChannel(name);
    // Exactly one argument crosses: whatever else a caller passes is dropped.
    exposed[name] = (input: unknown) => ipcRenderer.invoke(channel, input);
  }
  exposed.onJobEvent = (listener: (event: JobEvent) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onJobEvent needs a function');
    // The page sees the event's data only, never the IpcRendererEvent (it holds ipcRenderer).
    const relay = (_event: IpcRendererEvent, jobEvent: unknown) => listener(jobEvent as JobEvent);
    ipcRenderer.on(JOB_EVENT_CHANNEL, relay);
    return () => {
      ipcRenderer.removeListener(JOB_EVENT_CHANNEL, relay);
    };
  };
  exposed.pickFolder = () => ipcRenderer.invoke(PICK_FOLDER_CHANNEL) as Promise<string | null>;
  return Object.freeze(exposed) as PreloadGlobal;
}
