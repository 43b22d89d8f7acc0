/**
 * What the fixture images contain. Kept apart from the code that pushes them
 * so tests can import the expected file contents without side effects.
 */
import { createHash } from 'node:crypto';
import type { ImageSpec } from './images.js';
import type { LayerSpec } from './layers.js';

/** Incompressible but reproducible bytes: a sha256 chain over `seed`. */
export function deterministicBytes(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  let block = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < length; offset += block.length) {
    block.copy(out, offset);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

export const FIXTURE_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LADING_FIXTURE=1'];
export const FIXTURE_LABELS = { 'org.opencontainers.image.title': 'lading fixture', 'lading.test': 'true' };
export const FIXTURE_CMD = ['/usr/bin/app', '--serve'];

/** 100 KiB that gzip cannot shrink, so the layer blob is not trivially small. */
export const BIG_FILE = deterministicBytes('lading/big.bin', 100 * 1024);

/** The three layers of `lading/oci-image:v1` (and `lading/docker-image:v1`). */
export const SINGLE_IMAGE_LAYERS: LayerSpec[] = [
  {
    createdBy: 'ADD rootfs.tar /',
    entries: [
      { path: 'etc', type: 'dir' },
      { path: 'etc/os-release', type: 'file', content: 'NAME="Lading Test"\nID=lading\n' },
      { path: 'etc/hello.txt', type: 'file', content: 'hello from layer 1\n' },
      { path: 'usr/bin', type: 'dir' },
      { path: 'usr/share/doc/lading/README', type: 'file', content: 'fixture image for lading tests\n' },
      { path: 'bin', type: 'symlink', target: 'usr/bin' },
      { path: 'tmp', type: 'dir', mode: 0o1777 },
    ],
  },
  {
    createdBy: 'COPY app /usr/bin/app # buildkit',
    comment: 'buildkit.dockerfile.v0',
    entries: [
      { path: 'usr/bin/app', type: 'file', content: '#!/bin/sh\necho "lading app"\n', mode: 0o755 },
      { path: 'usr/bin/app-link', type: 'symlink', target: 'app' },
      { path: 'etc/app/config.json', type: 'file', content: '{"listen":":8080"}\n' },
      { path: 'data/big.bin', type: 'file', content: BIG_FILE },
    ],
  },
  {
    createdBy: 'RUN /bin/sh -c echo updated > /etc/hello.txt && mkdir -p /var/log/app',
    entries: [
      { path: 'etc/hello.txt', type: 'file', content: 'hello from layer 3 (overrides layer 1)\n' },
      { path: 'var/log/app', type: 'dir' },
      { path: 'etc/app/secret', type: 'file', content: 'not really secret\n', mode: 0o600 },
    ],
  },
];

export const SINGLE_IMAGE_SPEC: ImageSpec = {
  architecture: 'amd64',
  os: 'linux',
  env: FIXTURE_ENV,
  labels: FIXTURE_LABELS,
  cmd: FIXTURE_CMD,
  workingDir: '/',
  layers: SINGLE_IMAGE_LAYERS,
  emptyLayerHistory: ['CMD ["/usr/bin/app" "--serve"]'],
};

/** Identical in every platform image, so the index shares one base blob. */
const SHARED_BASE: LayerSpec = {
  createdBy: 'ADD base.tar /',
  entries: [
    { path: 'etc/os-release', type: 'file', content: 'NAME="Lading Test"\nID=lading\n' },
    { path: 'usr/bin', type: 'dir' },
    { path: 'bin', type: 'symlink', target: 'usr/bin' },
  ],
};

function platformImage(architecture: string, variant?: string): ImageSpec {
  const name = variant ? `${architecture}/${variant}` : architecture;
  return {
    architecture,
    os: 'linux',
    ...(variant ? { variant } : {}),
    env: [...FIXTURE_ENV, `LADING_PLATFORM=linux/${name}`],
    labels: FIXTURE_LABELS,
    cmd: FIXTURE_CMD,
    layers: [
      SHARED_BASE,
      {
        createdBy: `COPY app-${architecture} /usr/bin/app`,
        entries: [
          { path: 'usr/bin/app', type: 'file', content: `#!/bin/sh\necho "lading app for linux/${name}"\n`, mode: 0o755 },
          { path: 'etc/platform', type: 'file', content: `linux/${name}\n` },
        ],
      },
    ],
  };
}

/** linux/amd64 and linux/arm64/v8; buildImageLayout adds the attestations. */
export const MULTIARCH_PLATFORMS: ImageSpec[] = [platformImage('amd64'), platformImage('arm64', 'v8')];

/** The small image behind `lading/many-tags` and every nested repository. */
export const SMALL_IMAGE_SPEC: ImageSpec = {
  architecture: 'amd64',
  os: 'linux',
  env: FIXTURE_ENV,
  cmd: ['/hello'],
  layers: [{ createdBy: 'COPY hello /hello', entries: [{ path: 'hello', type: 'file', content: 'hello\n', mode: 0o755 }] }],
};
