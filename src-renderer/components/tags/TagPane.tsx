/** Middle pane: the tags of the selected repository. */
import { useNavigation } from '../../context/navigation';
import { useConnection } from '../../hooks/queries';
import { TagList } from './TagList';

export function TagPane() {
  const { state } = useNavigation();
  const connection = useConnection(state.connectionId);
  return (
    <section className="pane tags" aria-label="Tags">
      {state.connectionId && state.repository ? (
        <TagList
          key={`${state.connectionId}\0${state.repository}`}
          connectionId={state.connectionId}
          repository={state.repository}
          host={connection?.host ?? ''}
        />
      ) : (
        <div className="pane-placeholder">
          <p>Pick a repository on the left, or paste a reference above.</p>
          <p className="dim">Arrow keys move through the tree; Enter opens.</p>
        </div>
      )}
    </section>
  );
}
