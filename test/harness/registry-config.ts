/**
 * The distribution 2.8 configuration for one test registry.
 *
 * Several registries share one storage root (anonymous, basic and token views
 * of the same content), so nothing may be cached per instance: no
 * `storage.cache.blobdescriptor` (a stale "blob unknown" cache would differ
 * between instances), no upload purging (one instance would delete another's
 * uploads), and a shared `http.secret` so an upload started on one instance
 * could be finished on another.
 */
import type { YamlValue } from './yaml.js';

export interface TokenAuthConfig {
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate(s) the registry trusts to sign tokens. */
  rootCertBundle: string;
}

export type AuthConfig =
  { kind: 'none' } | { kind: 'basic'; htpasswdPath: string; realm: string } | { kind: 'token'; token: TokenAuthConfig };

export interface RegistryConfigInput {
  port: number;
  rootDirectory: string;
  httpSecret: string;
  auth: AuthConfig;
  /** `storage.delete.enabled` (default true): false makes every manifest and blob DELETE answer 405 UNSUPPORTED. */
  deleteEnabled?: boolean;
}

export function registryConfig(input: RegistryConfigInput): { [key: string]: YamlValue } {
  const config: { [key: string]: YamlValue } = {
    version: '0.1',
    log: {
      level: 'info',
      formatter: 'text',
      // Access log lines make "which requests did the client send" greppable.
      accesslog: { disabled: false },
      fields: { service: 'registry' },
    },
    storage: {
      filesystem: { rootdirectory: input.rootDirectory },
      delete: { enabled: input.deleteEnabled ?? true },
      maintenance: { uploadpurging: { enabled: false } },
      redirect: { disable: true },
    },
    http: {
      addr: `127.0.0.1:${input.port}`,
      secret: input.httpSecret,
      headers: { 'X-Content-Type-Options': ['nosniff'] },
    },
    health: { storagedriver: { enabled: false } },
  };
  switch (input.auth.kind) {
    case 'none':
      break;
    case 'basic':
      config.auth = { htpasswd: { realm: input.auth.realm, path: input.auth.htpasswdPath } };
      break;
    case 'token':
      config.auth = {
        token: {
          realm: input.auth.token.realm,
          service: input.auth.token.service,
          issuer: input.auth.token.issuer,
          rootcertbundle: input.auth.token.rootCertBundle,
        },
      };
      break;
  }
  return config;
}
