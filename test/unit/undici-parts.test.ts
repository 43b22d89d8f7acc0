/**
 * The library takes Agent and request() from undici's own modules instead of
 * its index (src-main/registry/transport/undici-parts.ts: the index loads all
 * of undici, ~15 MB of RSS against ~7 MB). These paths are not a documented
 * API, so this is where an undici release that moves or changes them fails.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as undici from 'undici';
import { describe, expect, it } from 'vitest';
import AgentFromModule from 'undici/lib/dispatcher/agent.js';
import requestFromModule from 'undici/lib/api/api-request.js';
import { Agent, request } from '../../src-main/registry/transport/undici-parts';
import { importsOf, sources } from './source-imports';

describe("undici's parts, imported by path", () => {
  it("are the index's own Agent and request()", () => {
    expect(AgentFromModule).toBe(undici.Agent);
    expect(Agent).toBe(undici.Agent);
    // The index puts the API functions on Dispatcher's prototype; request is that same function.
    expect((undici.Dispatcher.prototype as unknown as { request: unknown }).request).toBe(requestFromModule);
  });

  it('make a request with method, path, query, headers and body, as the index would', async () => {
    const seen: { method?: string | undefined; url?: string | undefined; header?: string | undefined; body?: string } = {};
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        Object.assign(seen, { method: req.method, url: req.url, header: req.headers['x-probe'], body });
        res.writeHead(201, { 'x-answer': 'yes' }).end('done');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new Agent();
    try {
      const { port } = server.address() as AddressInfo;
      const res = await request(`http://127.0.0.1:${port}/v2/a/b/tags/list?n=2&last=x`, {
        method: 'PUT',
        headers: { 'x-probe': 'p' },
        body: 'payload',
        dispatcher: agent,
      });
      expect(res.statusCode).toBe(201);
      expect(res.headers['x-answer']).toBe('yes');
      expect(await res.body.text()).toBe('done');
      expect(seen).toEqual({ method: 'PUT', url: '/v2/a/b/tags/list?n=2&last=x', header: 'p', body: 'payload' });
    } finally {
      await agent.close();
      server.close();
    }
  });

  it("no module of the library loads undici's index at run time (type imports are erased)", () => {
    const modules = sources('src-main').filter((file) => !file.endsWith('.d.ts'));
    expect(modules.length).toBeGreaterThan(50);
    const loading = modules.filter((file) => importsOf(file).some((i) => i.specifier === 'undici' && !i.typeOnly));
    expect(loading).toEqual([]);
  });
});
