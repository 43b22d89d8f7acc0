/**
 * Run by credentials.test.ts in a child process whose environment has no
 * D-Bus session: the services must notice there is no keychain, keep the
 * secret for this session only, still work, and say so. Prints one JSON line.
 *
 * argv: dataDir, keychainService, registry host, username, password, repository
 */
import { createOperationDispatcher } from '../../src-main/app/operation-dispatcher';
import { createServices } from '../../src-main/app/services';

const [dataDir, keychainService, host, username, password, repository] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];

async function main(): Promise<void> {
  const services = createServices({ dataDir, keychainService });
  const api = createOperationDispatcher(services);
  const status = await api.call('credentials.status', {});
  const saved = await api.call('connections.save', { name: 'Basic', host, authKind: 'basic', username, secret: password, plainHttp: true });
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  const id = (saved.value as { id: string }).id;
  const tags = await api.call('browse.tags', { connectionId: id, repository, limit: 5 });
  const list = await api.call('connections.list', {});

  // A restart: a new process would start with nothing in memory.
  const restarted = createServices({ dataDir, keychainService });
  const api2 = createOperationDispatcher(restarted);
  const afterRestart = await api2.call('browse.tags', { connectionId: id, repository, limit: 5 });
  const list2 = await api2.call('connections.list', {});
  await services.close();
  await restarted.close();
  process.stdout.write(
    `${JSON.stringify({ status, saved, tags, list, afterRestart, list2, dbus: process.env.DBUS_SESSION_BUS_ADDRESS ?? null })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
