/**
 * Registry tokens as distribution's `auth.token` expects them: RS256 JWTs whose
 * header carries the signing certificate in `x5c`, with claims
 * iss, sub, aud (= service), exp, nbf, iat, jti and `access`.
 */
import { createSign, randomBytes } from 'node:crypto';
import type { LoadedKeyPair } from './token-keys.js';

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: AccessEntry[];
}

export interface IssuedToken {
  token: string;
  claims: TokenClaims;
  expiresIn: number;
  /** RFC 3339, as token servers report it. */
  issuedAt: string;
}

export interface TokenIssuerOptions {
  keys: LoadedKeyPair;
  issuer: string;
  service: string;
  /** Lifetime in seconds. */
  expiresIn: number;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export class TokenIssuer {
  constructor(private readonly opts: TokenIssuerOptions) {}

  get service(): string {
    return this.opts.service;
  }

  get issuer(): string {
    return this.opts.issuer;
  }

  /** Signs a token for `subject` (empty for anonymous) granting `access`. */
  issue(subject: string, access: AccessEntry[], expiresIn = this.opts.expiresIn): IssuedToken {
    const now = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      iss: this.opts.issuer,
      sub: subject,
      aud: this.opts.service,
      exp: now + expiresIn,
      // distribution allows 60 s of clock skew; a small back-date keeps
      // tokens valid on a registry whose clock reads slightly earlier.
      nbf: now - 5,
      iat: now,
      jti: randomBytes(12).toString('hex'),
      access,
    };
    const header = { alg: 'RS256', typ: 'JWT', x5c: [this.opts.keys.certDerBase64] };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(this.opts.keys.privateKeyPem);
    return {
      token: `${signingInput}.${base64url(signature)}`,
      claims,
      expiresIn,
      issuedAt: new Date(now * 1000).toISOString(),
    };
  }
}

/** Decodes (without verifying) a JWT's claims; for assertions in tests. */
export function decodeTokenClaims(token: string): TokenClaims {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
}
