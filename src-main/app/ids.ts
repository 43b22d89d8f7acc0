/** Ids of the fixed forms the contract checks: `conn-` / `job-` and 16 hex digits. */
import { randomBytes } from 'node:crypto';

export function newConnectionId(): string {
  return `conn-${randomBytes(8).toString('hex')}`;
}

export function newJobId(): string {
  return `job-${randomBytes(8).toString('hex')}`;
}
