/**
 * Public types of the registry client. The parsed documents use the OCI
 * specifications' own field names, so a manifest read here looks like the
 * JSON a person sees in the registry.
 */

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type AuthConfig = { username: string; password: string } | { identityToken: string } | { registryToken: string };

export interface ClientOptions {
  /** Credentials; omit for anonymous access. */
  auth?: AuthConfig;
  /** Speak plain HTTP instead of HTTPS. */
  insecure?: boolean;
  /** Accept any TLS certificate. */
  tlsSkipVerify?: boolean;
  /** Extra trusted certificate authorities (PEM), added to the system's. */
  ca?: string;
  userAgent?: string;
  logger?: Logger;
  /** Per-request timeout: for the headers, and for each gap between body chunks. Default 60 s. */
  timeoutMs?: number;
  /** How many times a failed request is retried (408, 429, 5xx, dropped connection). Default 3. */
  maxRetries?: number;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

/** A blob download that broke and was picked up again with Range (transport/resumable.ts). */
export interface BlobResume {
  digest: string;
  /** The blob's size. */
  size: number;
  /** Bytes received before the break: where the download went on from. */
  offset: number;
  /** 1 for the first resume of this blob, 2 for the second... */
  attempt: number;
  /** The registry ignored Range and sent the blob again from its start; the bytes already passed on were skipped. */
  restarted: boolean;
  /** What broke, in words. */
  reason: string;
}

/** For calls that read blobs: `onResume` hears of each download that broke and was picked up again. */
export interface BlobReadOptions extends CallOptions {
  onResume?: (event: BlobResume) => void;
}

export interface ImageOptions extends CallOptions {
  /** `os/arch[/variant]`, or a Platform; picks one image from an index. Default `linux/amd64`. */
  platform?: string | Platform;
}

export interface BlobProgress {
  digest: string;
  size: number;
  /** Bytes sent (or read) so far for this blob. */
  done: number;
  state: 'pending' | 'running' | 'exists' | 'mounted' | 'uploaded' | 'failed';
}

export interface PushOptions extends BlobReadOptions {
  /** Blobs uploaded at once. Default 4. */
  concurrency?: number | undefined;
  onBlobProgress?: (progress: BlobProgress) => void;
}

export interface ListOptions extends CallOptions {
  /** The most entries to return; all of them when omitted. */
  limit?: number;
  /** Start after this entry (exclusive), as the registry's `last` parameter. */
  last?: string;
}

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  features?: string[];
}

export interface Descriptor {
  mediaType: string;
  size: number;
  digest: string;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
  data?: string;
}

export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface IndexManifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  Healthcheck?: HealthConfig;
  OnBuild?: string[] | null;
  Shell?: string[];
}

export interface History {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ConfigFile {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  created?: string;
  author?: string;
  config?: ContainerConfig;
  rootfs?: { type: string; diff_ids: string[] };
  history?: History[];
  [key: string]: unknown;
}
