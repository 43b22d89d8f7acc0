/**
 * The two parts of undici the library uses, Agent and request(), taken from
 * their own modules rather than from the package's index. The index loads all
 * of undici (fetch, WebSocket, EventSource, cache stores, mock agents, the
 * proxy agents): on Node 20 importing it grows a process's RSS by ~15 MB, and
 * these two parts by ~7 MB (measured after node:stream, zlib, crypto, tls and
 * worker_threads were already loaded). Every process that hosts the library
 * pays that: the app's main process, the web bridge, each benchmark child.
 *
 * undici has no `exports` map, so these files are reachable by path;
 * test/unit/undici-parts.test.ts checks that they are what the index itself
 * exports (the same Agent class, the same request function on Dispatcher's
 * prototype), so an undici release that moves them fails there first.
 */
import type { Dispatcher } from 'undici';
import AgentFromModule from 'undici/lib/dispatcher/agent.js';
import requestFromModule from 'undici/lib/api/api-request.js';

export const Agent = AgentFromModule;
export type Agent = AgentFromModule;

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method: Dispatcher.HttpMethod;
  dispatcher: Dispatcher;
};

/**
 * undici's request(url, options) for a given dispatcher: the index's
 * request() splits the URL into origin and path and calls this same function
 * with the dispatcher as `this`.
 */
export function request(url: string, { dispatcher, ...options }: RequestOptions): Promise<Dispatcher.ResponseData> {
  const target = new URL(url);
  return requestFromModule.call(dispatcher, { ...options, origin: target.origin, path: `${target.pathname}${target.search}` });
}
