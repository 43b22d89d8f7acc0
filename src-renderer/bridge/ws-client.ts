/**
 * The renderer's client for the web bridge (src-main/web): one WebSocket to
 * the page's own origin, `{id, op, input}` out, `{id, outcome}` and `{event}`
 * in. Calls made while the socket opens wait for it; a dropped socket fails
 * the calls in flight with an `unreachable` error, and the next call (or, when
 * someone listens for job events, a timer with backoff) opens a new one.
 *
 * No DOM types: the WebSocket comes from a factory, so the same code runs in
 * the page (the browser's WebSocket) and in Node tests (the `ws` package).
 */
import type { JobEvent } from '../../src-shared/contract';
import type { AppError, Outcome } from '../../src-shared/errors';
import type { WsRequest, WsServerMessage } from '../../src-shared/transport';

/** The part of the WebSocket API used (the browser's and the `ws` package's both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export interface WsClientOptions {
  /** `ws://127.0.0.1:PORT/ws?token=...` */
  url: string;
  createSocket: WebSocketFactory;
  /** First reconnect delay when job events are listened for; doubles up to 30 s. Default 1000 ms. */
  reconnectDelayMs?: number;
}

const OPEN = 1;

export const BRIDGE_UNREACHABLE =
  'Lost the connection to Lading (the web bridge). Is `npm run web` still running, and was this page opened with the URL it printed (with its #token=...)?';

function unreachable(): Outcome<never> {
  const error: AppError = { code: 'unreachable', message: BRIDGE_UNREACHABLE, details: { bridge: true } };
  return { ok: false, error };
}

export class WsBridgeClient {
  private socket: WebSocketLike | undefined;
  private opening: Promise<WebSocketLike> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (outcome: Outcome<unknown>) => void>();
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectDelay: number;
  private closed = false;

  constructor(private readonly options: WsClientOptions) {
    this.reconnectDelay = options.reconnectDelayMs ?? 1000;
  }

  /** Calls operation `op`; always resolves, with the bridge's Outcome or an `unreachable` one. */
  async call(op: string, input: unknown): Promise<Outcome<unknown>> {
    let socket: WebSocketLike;
    try {
      socket = await this.open();
    } catch {
      return unreachable();
    }
    const id = this.nextId++;
    const request: WsRequest = { id, op, input };
    return new Promise<Outcome<unknown>>((resolve) => {
      this.pending.set(id, resolve);
      try {
        socket.send(JSON.stringify(request));
      } catch {
        this.pending.delete(id);
        resolve(unreachable());
      }
    });
  }

  /** Job events, from now on (reconnecting when the socket drops); returns the unsubscribe function. */
  onJobEvent(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    void this.open().catch(() => this.scheduleReconnect());
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Closes the socket; later calls answer `unreachable`. */
  close(): void {
    this.closed = true;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.socket?.close(1000, 'closed by the page');
    this.dropped();
  }

  private open(): Promise<WebSocketLike> {
    if (this.closed) return Promise.reject(new Error('closed'));
    if (this.socket && this.socket.readyState === OPEN) return Promise.resolve(this.socket);
    if (this.opening) return this.opening;
    const opening = new Promise<WebSocketLike>((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket = this.options.createSocket(this.options.url);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      let isOpen = false;
      socket.onopen = () => {
        isOpen = true;
        this.socket = socket;
        this.reconnectDelay = this.options.reconnectDelayMs ?? 1000;
        resolve(socket);
      };
      socket.onmessage = (event) => this.receive(event.data);
      socket.onerror = () => {
        // A close event follows.
      };
      socket.onclose = () => {
        if (!isOpen) reject(new Error('the bridge refused or did not answer'));
        if (this.socket === socket) this.socket = undefined;
        this.dropped();
        this.scheduleReconnect();
      };
    });
    this.opening = opening;
    const clear = () => {
      if (this.opening === opening) this.opening = undefined;
    };
    opening.then(clear, clear);
    return opening;
  }

  /** Fails every call in flight. */
  private dropped(): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const resolve of waiting) resolve(unreachable());
  }

  private scheduleReconnect(): void {
    if (this.closed || this.listeners.size === 0 || this.reconnectTimer !== undefined) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(delay * 2, 30_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.open().catch(() => this.scheduleReconnect());
    }, delay);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: WsServerMessage;
    try {
      message = JSON.parse(data) as WsServerMessage;
    } catch {
      return;
    }
    if ('event' in message) {
      for (const listener of [...this.listeners]) {
        try {
          listener(message.event);
        } catch (err) {
          console.error('A job event listener failed', err);
        }
      }
      return;
    }
    if (typeof message.id === 'number') {
      const resolve = this.pending.get(message.id);
      if (resolve) {
        this.pending.delete(message.id);
        resolve(message.outcome);
      }
    }
  }
}
