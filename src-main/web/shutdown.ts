/**
 * Stopping the bridge at once: open WebSockets are terminated (a page's
 * client then reports the bridge as gone) and idle keep-alive connections are
 * dropped, so closing never waits for a browser to let go.
 */
import type { Server } from 'node:http';
import type { WebSocketServer } from 'ws';

export async function closeBridge(server: Server, wss: WebSocketServer): Promise<void> {
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
