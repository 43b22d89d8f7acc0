/**
 * The public Client is the registry's operations and nothing of the push
 * plumbing: pushImage and mirror() reach a client's writer through a symbol
 * (writer.ts), as go-containerregistry keeps its writer unexported. No
 * request is made here: creating clients and writers is free.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, LayoutWriter, openLayout, RegistryError, type Client } from '../../src-main/registry/index';
import { RepositoryWriter } from '../../src-main/registry/upload';
import { writerOf } from '../../src-main/registry/writer';

const clients: Client[] = [];
const registry = (host: string, ...segments: string[]) => {
  const client = createClient(host);
  clients.push(client);
  return client.withSegment(...segments);
};

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

describe('the public Client', () => {
  it('has no writer() or mountSource(), on a registry or a layout', () => {
    for (const client of [registry('localhost:5000', 'app'), openLayout('/tmp/lading-no-such-layout')]) {
      expect('writer' in client).toBe(false);
      expect('mountSource' in client).toBe(false);
    }
  });

  it('is a BlobSource on a registry, as on a layout: a name for messages, and where a mount could come from', () => {
    const client = registry('http://localhost:5000', 'team', 'app') as Client & { name: string; location?: object };
    expect(client.name).toBe('localhost:5000/team/app');
    expect(client.location).toEqual({ origin: 'http://localhost:5000', repository: 'team/app' });
  });

  it('gives push and mirror the writer of a client made by createClient() or openLayout(), and refuses any other', () => {
    expect(writerOf(registry('localhost:5000', 'app'))).toBeInstanceOf(RepositoryWriter);
    expect(writerOf(openLayout('/tmp/lading-no-such-layout'))).toBeInstanceOf(LayoutWriter);
    const foreign = { getRegistry: () => 'elsewhere/app' } as Client;
    expect(() => writerOf(foreign)).toThrow(RegistryError);
    expect(() => writerOf(foreign)).toThrow('elsewhere/app cannot be written to: only clients made by createClient() or openLayout() can');
  });
});
