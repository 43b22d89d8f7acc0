/** Checks after a run (not timed): what a registry now serves under a tag. */
const ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/** The digest `url/v2/repo/manifests/tag` answers with (Docker-Content-Digest of a HEAD). */
export async function servedDigest(registryUrl: string, repo: string, tag: string): Promise<string> {
  const res = await fetch(`${registryUrl}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: ACCEPT } });
  const digest = res.headers.get('docker-content-digest');
  if (res.status !== 200 || digest === null) throw new Error(`${registryUrl}/v2/${repo}/manifests/${tag}: HTTP ${res.status}`);
  return digest;
}

export async function expectDigest(registryUrl: string, repo: string, tag: string, expected: string, who: string): Promise<void> {
  const got = await servedDigest(registryUrl, repo, tag);
  if (got !== expected) throw new Error(`${who}: ${repo}:${tag} is ${got}, not ${expected}`);
}
