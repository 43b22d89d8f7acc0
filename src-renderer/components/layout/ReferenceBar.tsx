/**
 * The reference bar: paste `host/repo:tag` or `host/repo@sha256:...` and go
 * there. Like an address bar, it shows where the panes are. "/" or Ctrl+K
 * focuses it from anywhere.
 */
import { useEffect, useRef, useState } from 'react';
import { currentImage, useNavigation } from '../../context/navigation';
import { useUi } from '../../context/ui';
import { useConnection, useConnections } from '../../hooks/queries';
import { formatReference, parseReference, resolveReference } from '../../lib/reference';
import { rememberRepository } from '../../lib/storage';

export function ReferenceBar() {
  const connections = useConnections();
  const { state, dispatch } = useNavigation();
  const ui = useUi();
  const [problem, setProblem] = useState<{ message: string; host?: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const connection = useConnection(state.connectionId);
  const image = currentImage(state);
  const shown =
    connection && state.repository
      ? image
        ? formatReference(connection.host, state.repository, image.reference)
        : `${connection.host}/${state.repository}`
      : '';
  // What was typed gives way to the place navigated to (React's "adjust state when a prop changes", without an effect).
  const [text, setText] = useState(shown);
  const [shownBefore, setShownBefore] = useState(shown);
  if (shown !== shownBefore) {
    setShownBefore(shown);
    setText(shown);
    setProblem(null);
  }

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && (e.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName));
      if ((e.key === 'k' && (e.ctrlKey || e.metaKey)) || (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey)) {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const go = async () => {
    const parsed = parseReference(text);
    if (!parsed.ok) {
      setProblem({ message: parsed.message });
      return;
    }
    // Pasted before the connections arrived (just after launch): wait for them.
    const list = connections.data ?? (await connections.refetch()).data ?? [];
    const resolved = resolveReference(parsed.value, list);
    if (!resolved) {
      setProblem({ message: `No saved connection for ${parsed.value.host}.`, host: parsed.value.host });
      return;
    }
    setProblem(null);
    rememberRepository(resolved.connection.id, resolved.repository);
    dispatch({
      type: 'openReference',
      connectionId: resolved.connection.id,
      repository: resolved.repository,
      reference: resolved.reference,
      reveal: true,
    });
  };

  return (
    <div className="reference-bar">
      <div
        className="input-row"
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void go();
          } else if (e.key === 'Escape') {
            setText(shown);
            setProblem(null);
          }
        }}
      >
        <input
          ref={input}
          type="text"
          value={text}
          spellCheck={false}
          aria-label="Image reference"
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'reference-problem' : undefined}
          placeholder="Go to host/repository:tag or host/repository@sha256:…   ( / )"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="button" onClick={() => void go()}>
          Go
        </button>
      </div>
      {problem && (
        <div className="reference-problem" id="reference-problem" role="alert">
          {problem.message}{' '}
          {problem.host && (
            <button type="button" className="link-button" onClick={() => ui.open({ kind: 'connection', seed: { host: problem.host! } })}>
              Add a connection for {problem.host}…
            </button>
          )}
        </div>
      )}
    </div>
  );
}
