import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PLATFORM,
  formatPlatform,
  InvalidReferenceError,
  isAttestation,
  normalizePlatform,
  parsePlatform,
  type Descriptor,
  type Platform,
} from '../../src-main/registry/index';
import { listPlatforms, platformMatches, selectPlatform } from '../../src-main/registry/platform';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function entry(n: number, platform?: Platform, annotations?: Record<string, string>): Descriptor {
  const d: Descriptor = { mediaType: OCI_MANIFEST, size: 100 + n, digest: `sha256:${String(n).padStart(64, '0')}` };
  if (platform) d.platform = platform;
  if (annotations) d.annotations = annotations;
  return d;
}

describe('normalising platforms', () => {
  it.each([
    ['linux/aarch64', { os: 'linux', architecture: 'arm64' }],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64' }],
    ['linux/aarch64/v8', { os: 'linux', architecture: 'arm64' }],
    ['linux/x86_64', { os: 'linux', architecture: 'amd64' }],
    ['linux/x86-64', { os: 'linux', architecture: 'amd64' }],
    ['linux/amd64/v1', { os: 'linux', architecture: 'amd64' }],
    ['linux/armhf', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/armel', { os: 'linux', architecture: 'arm', variant: 'v6' }],
    ['linux/i386', { os: 'linux', architecture: '386' }],
    ['Linux/AMD64', { os: 'linux', architecture: 'amd64' }],
    ['linux/arm/v7', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/arm64/V8', { os: 'linux', architecture: 'arm64' }],
    ['linux/amd64/v3', { os: 'linux', architecture: 'amd64', variant: 'v3' }],
    ['windows/amd64', { os: 'windows', architecture: 'amd64' }],
  ])('%s -> %j', (input, expected) => {
    expect(parsePlatform(input)).toEqual(expected);
  });

  it('an explicit variant wins over the alias default', () => {
    expect(normalizePlatform({ os: 'linux', architecture: 'armhf', variant: 'v6' })).toEqual({
      os: 'linux',
      architecture: 'arm',
      variant: 'v6',
    });
  });

  it('keeps os.version', () => {
    expect(normalizePlatform({ os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' })).toEqual({
      os: 'windows',
      architecture: 'amd64',
      'os.version': '10.0.17763.1',
    });
  });

  it('takes a Platform object as well as a string', () => {
    expect(parsePlatform({ os: 'linux', architecture: 'aarch64' })).toEqual({ os: 'linux', architecture: 'arm64' });
  });

  it.each(['linux', 'linux/', '/amd64', 'linux/arm/v7/extra', '', 'linux//v7'])('rejects %j', (input) => {
    expect(() => parsePlatform(input)).toThrow(InvalidReferenceError);
  });

  it('formats os/arch[/variant]', () => {
    expect(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' })).toBe('linux/arm/v7');
    expect(formatPlatform({ os: 'linux', architecture: 'amd64' })).toBe('linux/amd64');
  });
});

describe('the default platform', () => {
  it('is linux/amd64', () => {
    expect(DEFAULT_PLATFORM).toEqual({ os: 'linux', architecture: 'amd64' });
  });
});

describe('matching', () => {
  it('matches across spellings', () => {
    expect(platformMatches({ os: 'linux', architecture: 'aarch64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe(true);
    expect(platformMatches({ os: 'linux', architecture: 'x86_64' }, DEFAULT_PLATFORM)).toBe(true);
    expect(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v7' }, { os: 'linux', architecture: 'armhf' })).toBe(true);
  });

  it('a wanted variant must match; an absent one matches any', () => {
    expect(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, { os: 'linux', architecture: 'arm', variant: 'v7' })).toBe(
      false,
    );
    expect(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, { os: 'linux', architecture: 'arm' })).toBe(true);
    expect(platformMatches({ os: 'windows', architecture: 'amd64' }, DEFAULT_PLATFORM)).toBe(false);
  });
});

describe('picking from an index', () => {
  const attestationByPlatform = entry(
    9,
    { os: 'unknown', architecture: 'unknown' },
    {
      'vnd.docker.reference.type': 'attestation-manifest',
      'vnd.docker.reference.digest': `sha256:${'1'.padStart(64, '0')}`,
    },
  );
  // An attestation recorded under a real platform: only its annotation says what it is.
  const attestationByAnnotation = entry(8, { os: 'linux', architecture: 'amd64' }, { 'vnd.docker.reference.type': 'attestation-manifest' });
  const index = [
    attestationByAnnotation,
    entry(1, { os: 'linux', architecture: 'amd64' }),
    entry(2, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
    entry(3, { os: 'linux', architecture: 'arm', variant: 'v6' }),
    entry(4, { os: 'linux', architecture: 'arm', variant: 'v7' }),
    attestationByPlatform,
    entry(5, { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' }),
    entry(6),
  ];

  it('recognises attestation entries', () => {
    expect(isAttestation(attestationByPlatform)).toBe(true);
    expect(isAttestation(attestationByAnnotation)).toBe(true);
    expect(isAttestation(index[1]!)).toBe(false);
  });

  it('skips attestations, even when they carry a real platform', () => {
    expect(selectPlatform(index, DEFAULT_PLATFORM)).toBe(index[1]);
    expect(selectPlatform(index, { os: 'unknown', architecture: 'unknown' })).toBeUndefined();
  });

  it('finds arm64 however it is spelled', () => {
    expect(selectPlatform(index, parsePlatform('linux/aarch64'))).toBe(index[2]);
    expect(selectPlatform(index, parsePlatform('linux/arm64'))).toBe(index[2]);
    expect(selectPlatform(index, parsePlatform('linux/arm64/v8'))).toBe(index[2]);
  });

  it('takes the exact arm variant, armhf meaning v7', () => {
    expect(selectPlatform(index, parsePlatform('linux/arm/v7'))).toBe(index[4]);
    expect(selectPlatform(index, parsePlatform('linux/armhf'))).toBe(index[4]);
    expect(selectPlatform(index, parsePlatform('linux/arm/v6'))).toBe(index[3]);
    expect(selectPlatform(index, parsePlatform('linux/arm/v5'))).toBeUndefined();
  });

  it('answers undefined for a platform the index lacks', () => {
    expect(selectPlatform(index, parsePlatform('linux/s390x'))).toBeUndefined();
  });

  it('lists the platforms without attestations or entries lacking one', () => {
    expect(listPlatforms(index).map(formatPlatform)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v6',
      'linux/arm/v7',
      'windows/amd64',
    ]);
  });
});
