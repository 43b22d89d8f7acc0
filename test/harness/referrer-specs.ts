/**
 * What the referrers fixtures say: the SBOM documents, provenance statements
 * and signed payloads, with the package lists and summaries a reader should
 * get out of them. Plain data, importable by tests without side effects.
 */

export const SPDX_DOCUMENT = {
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'lading/referrers',
  documentNamespace: 'https://lading.example/spdx/lading-referrers-v1',
  creationInfo: { created: '2024-01-01T00:00:00Z', creators: ['Tool: syft-1.0.0'] },
  packages: [
    {
      name: 'busybox',
      SPDXID: 'SPDXRef-Package-apk-busybox',
      versionInfo: '1.36.1-r15',
      downloadLocation: 'NOASSERTION',
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'GPL-2.0-only',
      externalRefs: [
        { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64' },
      ],
    },
    {
      name: 'musl',
      SPDXID: 'SPDXRef-Package-apk-musl',
      versionInfo: '1.2.4-r2',
      downloadLocation: 'NOASSERTION',
      licenseConcluded: 'MIT',
      licenseDeclared: 'MIT',
      externalRefs: [
        { referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:a:musl:musl:1.2.4-r2:*:*:*:*:*:*:*' },
        { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64' },
      ],
    },
    {
      // SPDX 2.2 spells the category with an underscore.
      name: 'zlib',
      SPDXID: 'SPDXRef-Package-apk-zlib',
      versionInfo: '1.3.1-r0',
      downloadLocation: 'NOASSERTION',
      licenseConcluded: 'NONE',
      licenseDeclared: 'Zlib',
      externalRefs: [
        { referenceCategory: 'PACKAGE_MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/zlib@1.3.1-r0?arch=x86_64' },
      ],
    },
    { name: 'lading-app', SPDXID: 'SPDXRef-Package-lading-app', downloadLocation: 'NOASSERTION', licenseConcluded: 'NONE' },
  ],
};

export const SPDX_PACKAGES = [
  { name: 'busybox', version: '1.36.1-r15', license: 'GPL-2.0-only', purl: 'pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64' },
  { name: 'musl', version: '1.2.4-r2', license: 'MIT', purl: 'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64' },
  { name: 'zlib', version: '1.3.1-r0', license: 'Zlib', purl: 'pkg:apk/alpine/zlib@1.3.1-r0?arch=x86_64' },
  { name: 'lading-app' },
];

export const CYCLONEDX_DOCUMENT = {
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  version: 1,
  metadata: { component: { type: 'container', name: 'lading/referrers' } },
  components: [
    {
      type: 'library',
      name: 'openssl',
      version: '3.1.4-r5',
      purl: 'pkg:apk/alpine/openssl@3.1.4-r5',
      licenses: [{ license: { id: 'Apache-2.0' } }],
    },
    {
      type: 'application',
      name: 'app',
      version: '2.0.0',
      licenses: [{ expression: 'MIT OR Apache-2.0' }],
      components: [
        {
          type: 'library',
          group: '@lading',
          name: 'left-pad',
          version: '1.3.0',
          purl: 'pkg:npm/%40lading/left-pad@1.3.0',
          licenses: [{ license: { name: 'WTFPL' } }],
        },
      ],
    },
  ],
};

export const CYCLONEDX_PACKAGES = [
  { name: 'openssl', version: '3.1.4-r5', license: 'Apache-2.0', purl: 'pkg:apk/alpine/openssl@3.1.4-r5' },
  { name: 'app', version: '2.0.0', license: 'MIT OR Apache-2.0' },
  { name: '@lading/left-pad', version: '1.3.0', license: 'WTFPL', purl: 'pkg:npm/%40lading/left-pad@1.3.0' },
];

/** SLSA v1 provenance as GitHub's attest-build-provenance writes it. */
export function githubProvenancePredicate() {
  return {
    buildDefinition: {
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      externalParameters: {
        workflow: { ref: 'refs/heads/main', repository: 'https://github.com/lading/app', path: '.github/workflows/release.yml' },
      },
      internalParameters: { github: { event_name: 'push', runner_environment: 'github-hosted' } },
      resolvedDependencies: [
        { uri: 'git+https://github.com/lading/app@refs/heads/main', digest: { gitCommit: '0123456789abcdef0123456789abcdef01234567' } },
      ],
    },
    runDetails: {
      builder: { id: 'https://github.com/actions/runner/github-hosted' },
      metadata: {
        invocationId: 'https://github.com/lading/app/actions/runs/1/attempts/1',
        startedOn: '2024-01-01T10:00:00Z',
        finishedOn: '2024-01-01T10:05:00Z',
      },
    },
  };
}

export const GITHUB_PROVENANCE = {
  slsaVersion: '1',
  builder: 'https://github.com/actions/runner/github-hosted',
  buildType: 'https://actions.github.io/buildtypes/workflow/v1',
  sourceRepository: 'https://github.com/lading/app',
  commit: '0123456789abcdef0123456789abcdef01234567',
  buildStartedOn: '2024-01-01T10:00:00Z',
  buildFinishedOn: '2024-01-01T10:05:00Z',
};

/** SLSA v0.2 provenance as BuildKit writes it into an attestation manifest (mode=min, a git context). */
export function buildkitProvenancePredicate() {
  return {
    builder: { id: 'lading-test-harness' },
    buildType: 'https://mobyproject.org/buildkit@v1',
    materials: [
      {
        uri: 'pkg:docker/alpine@3.19?platform=linux%2Famd64',
        digest: { sha256: '13b7e62e8df80264dbb747995705a986aa530415763a6c58f84a3ca8af9a5bcd' },
      },
    ],
    invocation: { configSource: { entryPoint: 'Dockerfile' }, parameters: { frontend: 'dockerfile.v0' } },
    metadata: {
      buildStartedOn: '2024-01-01T09:00:00Z',
      buildFinishedOn: '2024-01-01T09:02:30Z',
      completeness: { parameters: false, environment: true, materials: false },
      reproducible: false,
      'https://mobyproject.org/buildkit@v1#metadata': {
        vcs: { source: 'https://github.com/lading/multiarch', revision: 'fedcba9876543210fedcba9876543210fedcba98' },
      },
    },
  };
}

export const BUILDKIT_PROVENANCE = {
  slsaVersion: '0.2',
  builder: 'lading-test-harness',
  buildType: 'https://mobyproject.org/buildkit@v1',
  sourceRepository: 'https://github.com/lading/multiarch',
  commit: 'fedcba9876543210fedcba9876543210fedcba98',
  buildStartedOn: '2024-01-01T09:00:00Z',
  buildFinishedOn: '2024-01-01T09:02:30Z',
};

/** BuildKit's SBOM statement for one platform image: an SPDX document listing the app. */
export function buildkitSbomPredicate(platform: string) {
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `sbom-${platform}`,
    documentNamespace: `https://lading.example/spdx/multiarch-${platform.replaceAll('/', '-')}`,
    creationInfo: { created: '2024-01-01T09:02:30Z', creators: ['Tool: buildkit-v0.12.0', 'Tool: syft-v0.85.0'] },
    packages: [
      {
        name: 'lading-app',
        SPDXID: 'SPDXRef-Package-lading-app',
        versionInfo: '1.0.0',
        downloadLocation: 'NOASSERTION',
        licenseConcluded: 'Apache-2.0',
        externalRefs: [
          {
            referenceCategory: 'PACKAGE-MANAGER',
            referenceType: 'purl',
            referenceLocator: `pkg:generic/lading-app@1.0.0?platform=${platform}`,
          },
        ],
      },
    ],
  };
}

export const KEYLESS_IDENTITY = 'release-bot@lading.example';
export const KEYLESS_ISSUER = 'https://token.actions.githubusercontent.com';
