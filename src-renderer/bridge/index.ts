/**
 * The renderer's one way to main: `getLadingClient()`. In Electron it wraps the
 * preload's `window.lading`; in a browser (the web bridge, `npm run web`) it
 * talks over a WebSocket to the page's own origin with the launch token from
 * the page URL. Either way the caller gets the contract's OperationCalls: one
 * function per operation, resolving with the result or rejecting with a
 * LadingError (`code`, `message`, `details`: the contract's AppError), plus
 * job events and the folder picker, which exists only in Electron
 * (`canPickFolder`; in the browser ask for the path as text).
 */
import { OPERATION_NAMES, type JobEvent, type OperationCalls } from '../../src-shared/contract';
import type { Outcome } from '../../src-shared/errors';
import { PRELOAD_GLOBAL, TOKEN_PARAM, WS_PATH, type PreloadGlobal } from '../../src-shared/transport';
import { unwrap } from './errors';
import { WsBridgeClient, type WebSocketLike } from './ws-client';

export { isLadingError, LadingError } from './errors';

interface JobEvents {
  /** Calls `listener` with every job event from now on; returns the unsubscribe function. */
  onJobEvent(listener: (event: JobEvent) => void): () => void;
}

/** Inside the Electron app: a native folder picker. */
export interface ElectronHost {
  readonly host: 'electron';
  readonly canPickFolder: true;
  /** The chosen absolute path, or null when the person cancelled. */
  pickFolder(): Promise<string | null>;
}

/** In a browser through the web bridge: there is no folder picker; ask for an absolute path as text. */
export interface WebHost {
  readonly host: 'web';
  readonly canPickFolder: false;
  /** Always null. */
  pickFolder(): Promise<null>;
}

export type LadingClient = OperationCalls & JobEvents & (ElectronHost | WebHost);

/** The browser globals used, typed here so this file also type-checks (and runs in tests) without the DOM library. */
interface PageGlobals {
  /** What the preload exposes (PRELOAD_GLOBAL), in Electron only. */
  lading?: PreloadGlobal;
  location?: { protocol: string; host: string; hash: string; search: string; pathname: string };
  history?: { state: unknown; replaceState(data: unknown, unused: string, url?: string): void };
  sessionStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  WebSocket?: new (url: string) => WebSocketLike;
}

const TOKEN_STORAGE_KEY = 'lading.token';

function page(): PageGlobals {
  return globalThis as unknown as PageGlobals;
}

function fromOutcomes(call: (op: string, input: unknown) => Promise<Outcome<unknown>>): OperationCalls {
  const calls: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of OPERATION_NAMES) calls[name] = async (input: unknown) => unwrap(await call(name, input));
  return calls as OperationCalls;
}

/** The Electron client over what the preload exposes. */
export function electronClient(preload: PreloadGlobal): LadingClient {
  const call = (op: string, input: unknown) => (preload[op as keyof PreloadGlobal] as (input: unknown) => Promise<Outcome<unknown>>)(input);
  return Object.freeze({
    ...fromOutcomes(call),
    onJobEvent: (listener: (event: JobEvent) => void) => preload.onJobEvent(listener),
    host: 'electron' as const,
    canPickFolder: true as const,
    pickFolder: () => preload.pickFolder(),
  });
}

/** The browser client over a bridge connection. */
export function webClient(bridge: Pick<WsBridgeClient, 'call' | 'onJobEvent'>): LadingClient {
  return Object.freeze({
    ...fromOutcomes((op, input) => bridge.call(op, input)),
    onJobEvent: (listener: (event: JobEvent) => void) => bridge.onJobEvent(listener),
    host: 'web' as const,
    canPickFolder: false as const,
    pickFolder: () => Promise.resolve(null),
  });
}

/**
 * The launch token: from the page URL's fragment (`#token=...`, as the bridge
 * prints it) or query, kept in sessionStorage so a reload still has it, and
 * removed from the address bar.
 */
export function takeToken(g: PageGlobals = page()): string | null {
  const location = g.location;
  if (!location) return null;
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const query = new URLSearchParams(location.search);
  const fromUrl = hash.get(TOKEN_PARAM) ?? query.get(TOKEN_PARAM);
  if (fromUrl) {
    try {
      g.sessionStorage?.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage may be disabled; the token then lives as long as the page.
    }
    if (g.history && hash.has(TOKEN_PARAM)) {
      hash.delete(TOKEN_PARAM);
      const rest = hash.toString();
      g.history.replaceState(g.history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    }
    return fromUrl;
  }
  try {
    return g.sessionStorage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** The bridge's WebSocket URL on the page's own origin. */
export function bridgeUrl(location: { protocol: string; host: string }, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token ?? '')}`;
}

let client: LadingClient | undefined;

/** The client for this page (created once). */
export function getLadingClient(): LadingClient {
  if (client) return client;
  const g = page();
  const preload = g[PRELOAD_GLOBAL];
  if (preload) {
    client = electronClient(preload);
  } else {
    const { location, WebSocket } = g;
    if (!location || !WebSocket) throw new Error('Lading: neither the Electron preload nor a browser WebSocket is available');
    const token = takeToken(g);
    client = webClient(new WsBridgeClient({ url: bridgeUrl(location, token), createSocket: (url) => new WebSocket(url) }));
  }
  return client;
}
