/** The footer every action dialog shares: Cancel, and the submit button, disabled while the job is being started. */
export function ActionFooter({ onCancel, submitLabel, pending }: { onCancel: () => void; submitLabel: string; pending: boolean }) {
  return (
    <>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="primary" disabled={pending}>
        {submitLabel}
      </button>
    </>
  );
}
