/**
 * vitest globalSetup: starts the registries and builds the fixtures once per
 * run, hands their description to every test file via `inject('lading')`,
 * and returns the teardown that stops everything.
 */
import type { TestProject } from 'vitest/node';
import { startEnvironment } from './environment.js';
import './lading-info.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = await startEnvironment();
  project.provide('lading', env.info);
  if (process.env.LADING_HARNESS_VERBOSE) {
    console.log(`[harness] setup took ${env.info.setupMs} ms; work dir ${env.info.workDir}`);
  }
  return () => env.teardown();
}
