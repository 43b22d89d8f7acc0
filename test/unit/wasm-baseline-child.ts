/**
 * Child of wasm-baseline.test.ts: the peak RSS a process gains while undici
 * makes its first few hundred requests (its HTTP parser is WebAssembly, which
 * V8 compiles again with TurboFan once hot), with or without the process
 * opting in to compileWasmBaselineOnly(). The server is node:http in this same
 * process: its parser is native, not WebAssembly. Prints one JSON line.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { compileWasmBaselineOnly } from '../../src-main/registry/memory/wasm-baseline';
import { peakRssKiB } from '../integration/json-child';

const { optIn, waitMs } = JSON.parse(process.argv[2] ?? '{}') as { optIn: boolean; waitMs: number };

const peakRssMB = (): number => peakRssKiB() / 1024;

if (optIn) compileWasmBaselineOnly();
const { Agent, request } = await import('../../src-main/registry/transport/undici-parts');
const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"tags":["a","b","c"]}'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/x/tags/list`;
const agent = new Agent({ connections: 4 });
const start = peakRssMB();
for (let i = 0; i < 400; i++) {
  const res = await request(url, { method: 'GET', dispatcher: agent });
  await res.body.text();
}
// TurboFan compiles in the background: give it time to start and finish (it does within ~0.5 s on an
// idle machine). The wait ends early once the jump is seen.
let gainedMB = 0;
for (let waited = 0; waited < waitMs; waited += 100) {
  await sleep(100);
  gainedMB = peakRssMB() - start;
  if (gainedMB > 25) break;
}
await agent.close();
server.close();
process.stdout.write(`${JSON.stringify({ gainedMB })}\n`);
