/**
 * The token exchange of the distribution token spec: GET the realm with
 * `service` and repeated `scope` (Basic credentials when there are any), or,
 * for an identity token, the OAuth2 POST with the refresh_token grant, falling
 * back to GET when the token server has no OAuth2 endpoint (404).
 */
import { AccessDeniedError, RegistryError, describeErrors, parseErrorBody } from '../errors';
import { discardBody, toConnectionError, type HttpTransport } from '../transport/http';
import type { AuthConfig } from '../types';
import type { Challenge } from './challenge';

export interface Token {
  value: string;
  /** When we stop using it: a little before the server's expiry. */
  refreshAt: number;
}

/** The spec's default lifetime, and the floor we apply to shorter claims. */
const MIN_EXPIRES_IN_S = 60;
const MAX_TOKEN_RESPONSE = 1 << 20;
const OAUTH_CLIENT_ID = 'lading';

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export async function fetchToken(
  transport: HttpTransport,
  challenge: Challenge,
  scopes: string[],
  auth: AuthConfig | undefined,
  registryUrl: string,
  signal?: AbortSignal,
): Promise<Token> {
  const realm = challenge.params.realm;
  if (!realm) throw new RegistryError(`The registry at ${registryUrl} asked for a token but named no realm to get it from`);
  let realmUrl: URL;
  try {
    realmUrl = new URL(realm);
  } catch {
    throw new RegistryError(`The registry at ${registryUrl} named an invalid token realm "${realm}"`);
  }
  if (auth && realmUrl.protocol !== 'https:' && new URL(registryUrl).protocol === 'https:') {
    throw new AccessDeniedError(`Refusing to send credentials to the token service over plain HTTP (${realmUrl.origin})`);
  }
  const service = challenge.params.service;

  if (auth && 'identityToken' in auth) {
    const res = await postOAuth(transport, realmUrl, service, scopes, auth.identityToken, signal);
    if (res.status !== 404) return readToken(transport, res, realmUrl, 'POST');
    await discardBody(res);
  }

  const url = new URL(realmUrl);
  if (service) url.searchParams.set('service', service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  let authorization: string | undefined;
  if (auth && 'username' in auth) {
    url.searchParams.set('account', auth.username);
    authorization = basicHeader(auth.username, auth.password);
  } else if (auth && 'identityToken' in auth) {
    // docker's convention for identity tokens over the GET flow.
    authorization = basicHeader('<token>', auth.identityToken);
  }
  const res = await transport.send({ method: 'GET', url: url.toString(), authorization, signal });
  return readToken(transport, res, realmUrl, 'GET');
}

async function postOAuth(
  transport: HttpTransport,
  realm: URL,
  service: string | undefined,
  scopes: string[],
  refreshToken: string,
  signal?: AbortSignal,
) {
  const form = new URLSearchParams();
  form.set('grant_type', 'refresh_token');
  form.set('refresh_token', refreshToken);
  if (service) form.set('service', service);
  form.set('client_id', OAUTH_CLIENT_ID);
  form.set('scope', scopes.join(' '));
  return transport.send({
    method: 'POST',
    url: realm.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    signal,
  });
}

async function readToken(
  transport: HttpTransport,
  res: Awaited<ReturnType<HttpTransport['send']>>,
  realm: URL,
  method: string,
): Promise<Token> {
  let text: string;
  try {
    text = await readText(res.body, MAX_TOKEN_RESPONSE);
  } catch (err) {
    // A connection dropped while the answer streams in is a ConnectionError like any other.
    throw err instanceof RegistryError ? err : toConnectionError(err, { method, url: realm.toString() }, transport.timeoutMs);
  }
  if (res.status === 401 || res.status === 403) {
    throw new AccessDeniedError(`The token service at ${realm.origin} rejected the credentials (${res.status})`, {
      status: res.status,
      method,
      url: realm.toString(),
      errors: parseErrorBody(text),
    });
  }
  if (res.status < 200 || res.status >= 300) {
    const errors = parseErrorBody(text);
    throw new RegistryError(
      `The token service at ${realm.origin} answered ${res.status}${errors.length ? `: ${describeErrors(errors)}` : ''}`,
      { status: res.status, method, url: realm.toString(), errors },
    );
  }
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new RegistryError(`The token service at ${realm.origin} answered with something other than JSON`, {
      method,
      url: realm.toString(),
    });
  }
  const value = typeof body.token === 'string' && body.token ? body.token : typeof body.access_token === 'string' ? body.access_token : '';
  if (!value) throw new RegistryError(`The token service at ${realm.origin} answered without a token`, { method, url: realm.toString() });
  const expiresIn = Math.max(
    MIN_EXPIRES_IN_S,
    typeof body.expires_in === 'number' && Number.isFinite(body.expires_in) ? body.expires_in : 0,
  );
  // Refresh a tenth of the lifetime early (at most 30 s) so a token never expires mid-request.
  const margin = Math.min(30, expiresIn / 10);
  return { value, refreshAt: Date.now() + (expiresIn - margin) * 1000 };
}

/** Reads a small body as text, refusing more than `limit` bytes. */
export async function readText(body: AsyncIterable<Uint8Array>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw new RegistryError(`Answer larger than ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
