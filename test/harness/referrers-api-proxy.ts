/**
 * A stand-in for a registry WITH the OCI 1.1 Referrers API: a loopback proxy
 * in front of a real distribution 2.8 (which has none). Everything is
 * forwarded to the real registry, which stores and serves it; the proxy only
 * adds what an OCI 1.1 registry adds on top:
 * - `GET /v2/<name>/referrers/<digest>[?artifactType=]` answers, from the
 *   manifests with a `subject` that were PUT through the proxy, the index an
 *   OCI 1.1 registry answers (artifactType: the manifest's own, else its
 *   config's media type; the filter applied and said so with
 *   `OCI-Filters-Applied`);
 * - a PUT of a manifest with `subject` answers `OCI-Subject: <digest>`.
 * Upload locations the real registry hands out are rewritten to the proxy's
 * origin, so every write goes through it. Only what was written through the
 * proxy is listed: a test writes its target through it.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

interface Listed {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ReferrersApiProxy {
  /** `127.0.0.1:PORT`, what createClient takes. */
  host: string;
  url: string;
  /** `METHOD path` of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startReferrersApiProxy(upstreamUrl: string): Promise<ReferrersApiProxy> {
  /** `<name>\0<subject digest>` -> its referrers, in the order they were pushed. */
  const referrers = new Map<string, Listed[]>();
  const requests: string[] = [];
  let origin = '';

  const answerReferrers = (res: ServerResponse, name: string, subject: string, artifactType: string | null) => {
    let manifests = referrers.get(`${name}\0${subject}`) ?? [];
    const headers: Record<string, string> = { 'content-type': OCI_INDEX };
    if (artifactType) {
      manifests = manifests.filter((m) => m.artifactType === artifactType);
      headers['oci-filters-applied'] = 'artifactType';
    }
    const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests });
    res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  /** Remembers a manifest with `subject`; returns the subject's digest. */
  const record = (name: string, body: Buffer, contentType: string): string | undefined => {
    let doc: {
      subject?: { digest?: unknown };
      artifactType?: unknown;
      config?: { mediaType?: unknown };
      annotations?: unknown;
      mediaType?: unknown;
    };
    try {
      doc = JSON.parse(body.toString('utf8')) as typeof doc;
    } catch {
      return undefined;
    }
    const subject = doc.subject?.digest;
    if (typeof subject !== 'string') return undefined;
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const artifactType =
      typeof doc.artifactType === 'string'
        ? doc.artifactType
        : typeof doc.config?.mediaType === 'string'
          ? doc.config.mediaType
          : undefined;
    const entry: Listed = { mediaType: typeof doc.mediaType === 'string' ? doc.mediaType : contentType, digest, size: body.length };
    if (artifactType) entry.artifactType = artifactType;
    if (doc.annotations && typeof doc.annotations === 'object') entry.annotations = doc.annotations as Record<string, string>;
    const key = `${name}\0${subject}`;
    const list = referrers.get(key) ?? [];
    if (!list.some((l) => l.digest === digest)) list.push(entry);
    referrers.set(key, list);
    return subject;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://proxy');
    requests.push(`${req.method} ${url.pathname}`);
    const api = /^\/v2\/(.+)\/referrers\/(sha256:[a-f0-9]{64})$/.exec(url.pathname);
    if (api && req.method === 'GET') {
      answerReferrers(res, api[1]!, api[2]!, url.searchParams.get('artifactType'));
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(k)) continue;
      headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const method = req.method ?? 'GET';
    const bodyless = method === 'GET' || method === 'HEAD';
    const upstream = await request(`${upstreamUrl}${req.url ?? '/'}`, { method, headers, ...(bodyless ? {} : { body }) });
    const answer = Buffer.from(await upstream.body.arrayBuffer());
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(upstream.headers)) {
      if (v === undefined || ['connection', 'transfer-encoding', 'keep-alive'].includes(k)) continue;
      out[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    if (out.location?.startsWith(upstreamUrl)) out.location = origin + out.location.slice(upstreamUrl.length);
    const manifest = /^\/v2\/(.+)\/manifests\/[^/]+$/.exec(url.pathname);
    if (manifest && req.method === 'PUT' && upstream.statusCode === 201) {
      const subject = record(
        manifest[1]!,
        body,
        String(req.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim(),
      );
      if (subject) out['oci-subject'] = subject;
    }
    res.writeHead(upstream.statusCode, out);
    res.end(req.method === 'HEAD' ? undefined : answer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`referrers API proxy: ${String(err)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    host: `127.0.0.1:${port}`,
    url: origin,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
