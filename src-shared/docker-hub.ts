/**
 * Docker Hub's host names: one list for the registry library, the app and
 * the renderer. This module imports nothing, so the library, which imports
 * nothing else of src-shared, may import it (test/unit/import-direction.test.ts
 * checks both).
 */

/** The name a person writes for Docker Hub, and the one Lading shows. */
export const DOCKER_HUB_HOST = 'docker.io';

/** Where Docker Hub's registry API actually lives. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/** Every host name that means Docker Hub (lower case). */
export const DOCKER_HUB_ALIASES: readonly string[] = [DOCKER_HUB_HOST, 'index.docker.io', DOCKER_HUB_API_HOST, 'registry.hub.docker.com'];

export function isDockerHub(host: string): boolean {
  return DOCKER_HUB_ALIASES.includes(host.toLowerCase());
}
