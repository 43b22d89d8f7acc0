/** "Remove…", then "Remove NAME? Yes, remove / Keep": removing a connection forgets its secret too, so it asks first. */
import { useState } from 'react';

export function RemoveConnection({ name, onRemove }: { name: string; onRemove: () => void }) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="left danger-outline" onClick={() => setConfirming(true)}>
        Remove…
      </button>
    );
  }
  return (
    <span className="left confirm">
      Remove {name}?{' '}
      <button type="button" className="danger" onClick={onRemove}>
        Yes, remove
      </button>{' '}
      <button type="button" onClick={() => setConfirming(false)}>
        Keep
      </button>
    </span>
  );
}
