/**
 * What the connection dialog asks of main: test a draft, save it, remove the
 * connection; and what the rest of the page must then forget or re-read.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ConnectionTestResult } from '../../../src-shared/contract';
import { useLading } from '../../context/lading';
import { useNavigation } from '../../context/navigation';
import { connKey } from '../../hooks/queries';
import type { ConnectionDraft } from './connection-form';

/** `onDone` runs after a save or removal has been applied to the page (the dialog closes). */
export function useConnectionCommands(onDone: () => void) {
  const lading = useLading();
  const client = useQueryClient();
  const { dispatch } = useNavigation();
  const test = useMutation<ConnectionTestResult, unknown, ConnectionDraft>({
    mutationFn: (draft) => lading['connections.test']({ draft }),
  });
  const save = useMutation({
    mutationFn: (draft: ConnectionDraft) => lading['connections.save'](draft),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: ['connections'] });
      // Everything read through the old settings is stale (another host, other credentials).
      await client.resetQueries({ queryKey: connKey(saved.id) });
      onDone();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => lading['connections.remove']({ id }),
    onSuccess: async (_, id) => {
      dispatch({ type: 'forgetConnection', connectionId: id });
      await client.invalidateQueries({ queryKey: ['connections'] });
      client.removeQueries({ queryKey: connKey(id) });
      onDone();
    },
  });
  return { test, save, remove };
}
