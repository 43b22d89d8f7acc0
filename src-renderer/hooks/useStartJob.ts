/** Starting a job from a dialog: the job joins the jobs panel, the dialog closes. */
import { useMutation } from '@tanstack/react-query';
import type { JobStarted } from '../../src-shared/contract';
import { useJobsStore } from '../context/jobs';
import { useUi } from '../context/ui';

export function useStartJob() {
  const store = useJobsStore();
  const ui = useUi();
  return useMutation({
    mutationFn: (start: () => Promise<JobStarted>) => start(),
    onSuccess: (started) => {
      store.addStarted(started);
      ui.setJobsOpen(true);
      ui.close();
    },
  });
}
