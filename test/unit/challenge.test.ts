import { describe, expect, it } from 'vitest';
import { parseChallenges, pickChallenge } from '../../src-main/registry/auth/challenge';

describe('WWW-Authenticate parsing', () => {
  it("reads Docker Hub's Bearer challenge", () => {
    expect(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' } },
    ]);
  });

  it('keeps commas inside quoted values (push scopes)', () => {
    const [c] = parseChallenges(
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:samalba/my-app:pull,push"',
    );
    expect(c?.params.scope).toBe('repository:samalba/my-app:pull,push');
    expect(c?.params.service).toBe('registry.example');
  });

  it('reads escaped quotes and backslashes in quoted values', () => {
    expect(parseChallenges('Basic realm="say \\"hi\\", C:\\\\x"')[0]?.params.realm).toBe('say "hi", C:\\x');
  });

  it('reads unquoted values and tolerates spaces around "=" and ","', () => {
    expect(parseChallenges('Bearer realm = https://a.example/token , service = reg, error=invalid_token')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://a.example/token', service: 'reg', error: 'invalid_token' } },
    ]);
  });

  it('lower-cases the scheme and parameter names, not the values', () => {
    expect(parseChallenges('BEARER Realm="https://A.example/Token",SERVICE="Reg"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://A.example/Token', service: 'Reg' } },
    ]);
  });

  it('reads several challenges in one header', () => {
    const all = parseChallenges('Basic realm="basic-realm", Bearer realm="https://auth.example/token",service="svc",scope="a:b:pull,push"');
    expect(all).toEqual([
      { scheme: 'basic', params: { realm: 'basic-realm' } },
      { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'svc', scope: 'a:b:pull,push' } },
    ]);
  });

  it('reads a scheme without parameters', () => {
    expect(parseChallenges('Negotiate, Basic realm="x"')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
  });

  it('reads an insufficient_scope challenge with several scopes', () => {
    const [c] = parseChallenges(
      'Bearer realm="https://auth.example/token",service="svc",scope="repository:a:pull repository:b:pull",error="insufficient_scope"',
    );
    expect(c?.params.error).toBe('insufficient_scope');
    expect(c?.params.scope?.split(' ')).toEqual(['repository:a:pull', 'repository:b:pull']);
  });

  it('reads challenges sent in separate headers', () => {
    expect(parseChallenges(['Basic realm="r"', 'Bearer realm="https://t.example",service="s"']).map((c) => c.scheme)).toEqual([
      'basic',
      'bearer',
    ]);
    expect(pickChallenge(['Basic realm="r"', 'Bearer realm="https://t.example",service="s"'])?.params.realm).toBe('https://t.example');
  });

  it('answers nothing for an empty or missing header', () => {
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('')).toEqual([]);
    expect(pickChallenge(undefined)).toBeUndefined();
  });

  it('prefers Bearer over Basic, in either order', () => {
    expect(pickChallenge('Basic realm="x", Bearer realm="https://t.example",service="s"')?.scheme).toBe('bearer');
    expect(pickChallenge('Bearer realm="https://t.example",service="s", Basic realm="x"')?.scheme).toBe('bearer');
    expect(pickChallenge('Basic realm="x"')?.scheme).toBe('basic');
    expect(pickChallenge('Negotiate')).toBeUndefined();
  });
});
