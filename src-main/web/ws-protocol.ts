/**
 * The bridge's WebSocket protocol, one connection at a time: `{id, op, input}`
 * in, `{id, outcome}` out, job events pushed as `{event}`. A message that is
 * not a readable request gets an `invalid-input` answer (with its id when it
 * had one) and the connection stays open; a connection may have only so many
 * calls in flight. The dispatcher validates the operation and its input.
 */
import { WebSocket, type RawData } from 'ws';
import type { AppError } from '../../src-shared/errors';
import type { WsRequest, WsResponse, WsServerMessage } from '../../src-shared/transport';
import type { OperationDispatcher } from '../app/operation-dispatcher';

/** A request to call, or the answer for one that cannot be read. */
export type ReadRequest = { request: WsRequest } | { answer: WsResponse };

function invalid(id: number | null, message: string): WsResponse {
  const error: AppError = { code: 'invalid-input', message };
  return { id, outcome: { ok: false, error } };
}

/** A text frame's payload: ws hands it over as a Buffer (or fragments) by default, as a string from tests. */
function messageText(data: RawData | string): string {
  if (typeof data === 'string') return data;
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

export function readRequest(data: RawData | string, isBinary: boolean): ReadRequest {
  if (isBinary) return { answer: invalid(null, 'Messages must be JSON text') };
  let message: Partial<WsRequest>;
  try {
    message = JSON.parse(messageText(data)) as Partial<WsRequest>;
  } catch {
    return { answer: invalid(null, 'A message must be JSON: {"id", "op", "input"}') };
  }
  if (!message || typeof message !== 'object' || Array.isArray(message)) {
    return { answer: invalid(null, 'A message must be an object: {"id", "op", "input"}') };
  }
  const { id, op, input } = message;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { answer: invalid(null, 'A message needs a whole-number "id"') };
  if (typeof op !== 'string') return { answer: invalid(id, 'A message needs an operation name in "op"') };
  return { request: { id, op, input } };
}

export interface SocketOptions {
  dispatcher: Pick<OperationDispatcher, 'call' | 'subscribe'>;
  /** Calls the connection may have in flight. */
  maxInFlight: number;
}

/** Serves one open connection until it closes. */
export function serveSocket(ws: WebSocket, { dispatcher, maxInFlight }: SocketOptions): void {
  let inFlight = 0;
  const send = (message: WsServerMessage): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = dispatcher.subscribe((event) => send({ event }));
  ws.on('close', unsubscribe);
  ws.on('error', () => ws.terminate());

  ws.on('message', (data: RawData, isBinary: boolean) => {
    const read = readRequest(data, isBinary);
    if ('answer' in read) return send(read.answer);
    const { id, op, input } = read.request;
    if (inFlight >= maxInFlight) return send(invalid(id, `Too many requests in flight (at most ${maxInFlight})`));
    inFlight++;
    // call() validates the operation's name and input, and never throws.
    void dispatcher.call(op, input).then((outcome) => {
      inFlight--;
      send({ id, outcome });
    });
  });
}
