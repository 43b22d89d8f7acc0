/**
 * Per-registry authentication state, shared by a client and all its
 * withSegment() children: the challenge learned from `GET /v2/`, and a token
 * cache keyed by scope set. Concurrent calls asking for the same scopes share
 * one token request.
 */
import { discardBody, type HttpTransport } from '../transport/http';
import type { AuthConfig, Logger } from '../types';
import { pickChallenge, type Challenge } from './challenge';
import { raceAbort } from '../transport/retry';
import { mergeScopes, scopeKey } from './scope';
import { basicHeader, fetchToken, type Token } from './token';

export class Authenticator {
  private challenge: Promise<Challenge | undefined> | undefined;
  private readonly tokens = new Map<string, Promise<Token>>();

  constructor(
    private readonly transport: HttpTransport,
    /** e.g. `https://ghcr.io`: the registry's origin; `/v2/` is pinged there. */
    private readonly registryOrigin: string,
    readonly auth: AuthConfig | undefined,
    private readonly logger?: Logger,
  ) {}

  get hasCredentials(): boolean {
    return this.auth !== undefined;
  }

  /** The Authorization value for a request needing `scopes`, or undefined for none. */
  async authorization(scopes: string[], signal?: AbortSignal): Promise<string | undefined> {
    if (this.auth && 'registryToken' in this.auth) return `Bearer ${this.auth.registryToken}`;
    const challenge = await this.learnChallenge(signal);
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      return this.auth && 'username' in this.auth ? basicHeader(this.auth.username, this.auth.password) : undefined;
    }
    if (challenge.scheme !== 'bearer') return undefined;
    const token = await this.token(challenge, scopes, signal);
    return `Bearer ${token.value}`;
  }

  /**
   * Called after a 401/403. Records the challenge (a registry may answer 200
   * on /v2/ and still protect repositories), drops the token that failed, and
   * says which scopes to retry with, or undefined when a retry cannot help.
   */
  async onUnauthorized(wwwAuthenticate: string | string[] | undefined, scopes: string[]): Promise<string[] | undefined> {
    if (this.auth && 'registryToken' in this.auth) return undefined;
    const challenge = pickChallenge(wwwAuthenticate);
    if (!challenge) return undefined;
    const known = await this.challenge?.catch(() => undefined);
    this.challenge = Promise.resolve(mergeChallenge(known, challenge));
    if (challenge.scheme === 'basic') {
      // The same credentials again will fail again; a first try without any may not.
      return known?.scheme === 'basic' || !this.auth ? undefined : scopes;
    }
    this.tokens.delete(scopeKey(scopes));
    const named = challenge.params.scope?.split(' ').filter(Boolean) ?? [];
    if (challenge.params.error === 'insufficient_scope' && named.length) {
      // Retry with exactly what the registry named, after ours, keeping push first.
      const merged = mergeScopes(scopes, named);
      this.tokens.delete(scopeKey(merged));
      return merged;
    }
    return scopes;
  }

  /** Forgets the challenge and tokens, e.g. after credentials changed. */
  reset(): void {
    this.challenge = undefined;
    this.tokens.clear();
  }

  private learnChallenge(signal?: AbortSignal): Promise<Challenge | undefined> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.challenge) {
      // The ping is shared by every caller waiting for it: like the token request,
      // it is not cancelled by one caller's signal (each caller races its own below).
      const ping = this.ping();
      this.challenge = ping;
      // A failed ping (network, abort) must not poison later calls.
      ping.catch(() => {
        if (this.challenge === ping) this.challenge = undefined;
      });
    }
    return signal ? raceAbort(this.challenge, signal) : this.challenge;
  }

  private async ping(): Promise<Challenge | undefined> {
    const res = await this.transport.send({ method: 'GET', url: `${this.registryOrigin}/v2/` });
    // A probe: every status is an answer; only the challenge matters.
    await discardBody(res);
    if (res.status === 401 || res.status === 403) {
      const challenge = pickChallenge(res.headers['www-authenticate']);
      this.logger?.debug(`registry ${this.registryOrigin} asks for ${challenge?.scheme ?? 'unknown'} authentication`);
      return challenge;
    }
    return undefined;
  }

  private token(challenge: Challenge, scopes: string[], signal?: AbortSignal): Promise<Token> {
    const key = scopeKey(scopes);
    const cached = this.tokens.get(key);
    if (cached) {
      return cached.then((t) => (t.refreshAt > Date.now() ? t : this.fetchAndCache(key, challenge, scopes, signal, cached)));
    }
    return this.fetchAndCache(key, challenge, scopes, signal);
  }

  private fetchAndCache(
    key: string,
    challenge: Challenge,
    scopes: string[],
    signal: AbortSignal | undefined,
    stale?: Promise<Token>,
  ): Promise<Token> {
    const current = this.tokens.get(key);
    // Another call already started the refresh: share it.
    if (current && current !== stale) return current;
    // The token request itself is not cancelled by one caller's signal:
    // other callers may be waiting for the same token.
    const pending = fetchToken(this.transport, challenge, scopes, this.auth, this.registryOrigin);
    this.tokens.set(key, pending);
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    return signal ? raceAbort(pending, signal) : pending;
  }
}

function mergeChallenge(known: Challenge | undefined, fresh: Challenge): Challenge {
  if (known && known.scheme === fresh.scheme && known.params.realm === fresh.params.realm) {
    // Keep realm and service; a 401's scope/error belong to that one request.
    return { scheme: known.scheme, params: { ...known.params } };
  }
  const params = { ...fresh.params };
  delete params.scope;
  delete params.error;
  return { scheme: fresh.scheme, params };
}
