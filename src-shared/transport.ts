/**
 * How the contract travels between a host and the renderer: the Electron IPC
 * channel names and what the preload exposes, the WebSocket bridge's
 * message shapes, and the page's Content-Security-Policy. Both hosts and the
 * renderer's bridge client import this file; it imports only types from the
 * contract, so the sandboxed preload that bundles it stays small (no zod).
 *
 * No Node, no DOM, no electron.
 */
import type { InputOf, JobEvent, OperationName, ResultOf } from './contract';
import type { Outcome } from './errors';

// ---------------------------------------------------------------------------
// Electron IPC
// ---------------------------------------------------------------------------

/** One `ipcMain.handle` channel per operation: `lading:op:connections.list`, ... */
export const OPERATION_CHANNEL_PREFIX = 'lading:op:';

export function operationChannel(name: string): string {
  return OPERATION_CHANNEL_PREFIX + name;
}

/** The native folder picker (Electron only). */
export const PICK_FOLDER_CHANNEL = 'lading:pick-folder';

/** Job events, main to the page (`webContents.send`). */
export const JOB_EVENT_CHANNEL = 'lading:job-event';

/** Every operation answering an Outcome: what crosses the process boundary (errors are data, not exceptions). */
export type OutcomeCalls = { [N in OperationName]: (input: InputOf<N>) => Promise<Outcome<ResultOf<N>>> };

/**
 * What the Electron preload exposes to the page as `lading` (contextBridge):
 * one function per operation under its contract name (`lading['browse.tags'](input)`),
 * each answering an Outcome, plus job events and the native folder picker.
 * Nothing else: no generic invoke or send.
 */
export type PreloadGlobal = OutcomeCalls & {
  /** Calls `listener` with every job event; returns the unsubscribe function. */
  onJobEvent(listener: (event: JobEvent) => void): () => void;
  /** The native "choose a folder" dialog: the chosen absolute path, or null when cancelled. */
  pickFolder(): Promise<string | null>;
};

/** The name of the page's global the preload exposes (PreloadGlobal). */
export const PRELOAD_GLOBAL = 'lading';

// ---------------------------------------------------------------------------
// The WebSocket bridge
// ---------------------------------------------------------------------------

/** The WebSocket endpoint on the bridge's own origin: `ws://127.0.0.1:PORT/ws?token=...`. */
export const WS_PATH = '/ws';
/** The query parameter (on the WebSocket URL) and the fragment key (on the page URL) that carry the launch token. */
export const TOKEN_PARAM = 'token';
/** Largest message either side sends or accepts. */
export const MAX_WS_MESSAGE_BYTES = 1024 * 1024;

/** Client to bridge: call operation `op`; `id` is echoed in the answer. */
export interface WsRequest {
  id: number;
  op: string;
  input?: unknown;
}

/** Bridge to client: the answer to request `id` (null when the request was unreadable). */
export interface WsResponse {
  id: number | null;
  outcome: Outcome<unknown>;
}

/** Bridge to client: a job event. */
export interface WsEventMessage {
  event: JobEvent;
}

export type WsServerMessage = WsResponse | WsEventMessage;

// ---------------------------------------------------------------------------
// Content-Security-Policy of the renderer page
// ---------------------------------------------------------------------------

/**
 * The page's policy in both hosts: only its own scripts, styles, fonts and
 * images (plus data: images), connections only to its own origin (the web
 * bridge's WebSocket; CSP 3 lets 'self' match ws: on the same host and port),
 * no plugins, no frames, no forms, no base URL changes. Electron sets it as a
 * response header and the build puts it in index.html as a meta tag (file://
 * pages get no headers on every Electron version); the web bridge sends it as
 * a header, adding its ws:// origin explicitly.
 */
export const RENDERER_CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'none'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-src': "'none'",
  'worker-src': "'none'",
  'manifest-src': "'self'",
};

/** The policy as a header or meta value; `extra` adds sources to a directive (e.g. `connect-src: ws://127.0.0.1:PORT`). */
export function rendererCsp(extra: Readonly<Record<string, string>> = {}): string {
  return Object.entries(RENDERER_CSP_DIRECTIVES)
    .map(([directive, sources]) => {
      const more = extra[directive];
      return `${directive} ${more ? `${sources} ${more}` : sources}`;
    })
    .join('; ');
}
