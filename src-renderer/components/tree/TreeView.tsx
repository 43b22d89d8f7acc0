/**
 * A keyboard-driven tree (WAI-ARIA tree pattern with aria-activedescendant):
 * the container takes focus; the list keys (useListKeyboard) move among the
 * visible rows and open them; Right expands or steps into a row's children,
 * Left collapses or steps to the parent. Rows register what they do; their
 * order is the DOM's, so lazily loaded levels need no bookkeeping.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createStrictContext } from '../../context/strict-context';
import { useListKeyboard } from '../../hooks/useListKeyboard';
import { rowsPerPage } from '../../lib/list-keys';
import { rowIndent } from './indent';

export interface TreeItemHandlers {
  activate?: () => void;
  /** Present when the row has children. */
  toggle?: () => void;
  expanded?: boolean;
}

interface TreeContextValue {
  activeId: string | null;
  setActive(id: string): void;
  register(id: string, handlers: { current: TreeItemHandlers }): () => void;
}

const [TreeContextProvider, useTree] = createStrictContext<TreeContextValue>('useTree');

export { useTree };

const ITEM = '[role="treeitem"]';

/** The element that scrolls the tree (the pane's body): a page is what it shows. */
function scrollParent(el: HTMLElement): HTMLElement {
  for (let p = el.parentElement; p; p = p.parentElement) {
    if (/(auto|scroll)/.test(getComputedStyle(p).overflowY)) return p;
  }
  return el;
}

export function TreeView({ label, children }: { label: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const handlers = useRef(new Map<string, { current: TreeItemHandlers }>());
  const [activeId, setActiveId] = useState<string | null>(null);

  const register = useCallback((id: string, h: { current: TreeItemHandlers }) => {
    handlers.current.set(id, h);
    return () => {
      if (handlers.current.get(id) === h) handlers.current.delete(id);
    };
  }, []);

  const items = (): HTMLElement[] => (ref.current ? [...ref.current.querySelectorAll<HTMLElement>(ITEM)] : []);
  const handlersOf = (el: HTMLElement | undefined): TreeItemHandlers => (el && handlers.current.get(el.id)?.current) || {};

  const moveTo = (el: HTMLElement | null | undefined) => {
    if (!el) return;
    setActiveId(el.id);
    el.scrollIntoView({ block: 'nearest' });
  };

  const keys = useListKeyboard({
    position: () => {
      const all = items();
      return { count: all.length, active: activeId ? all.findIndex((el) => el.id === activeId) : -1 };
    },
    moveTo: (index) => moveTo(items()[index]),
    activate: (index) => {
      const h = handlersOf(items()[index]);
      if (h.activate) h.activate();
      else h.toggle?.();
    },
    pageSize: () => {
      const first = ref.current?.querySelector<HTMLElement>(ITEM);
      return ref.current && first ? rowsPerPage(scrollParent(ref.current).clientHeight, first.offsetHeight) : 1;
    },
    otherKey: (key, index) => {
      if (key !== 'ArrowRight' && key !== 'ArrowLeft') return false;
      const all = items();
      const current = all[index]!;
      const h = handlersOf(current);
      if (current.id !== activeId) setActiveId(current.id);
      if (key === 'ArrowRight') {
        if (h.toggle && !h.expanded) h.toggle();
        else if (h.expanded) moveTo(all[index + 1]);
      } else if (h.toggle && h.expanded) h.toggle();
      else if (current.dataset.parent) moveTo(document.getElementById(current.dataset.parent));
      return true;
    },
  });

  const value = useMemo<TreeContextValue>(() => ({ activeId, setActive: setActiveId, register }), [activeId, register]);
  // The row announced as active: the active one, or the first row when there is none or it disappeared (collapsed,
  // filtered away). Set on the element after each render, as it depends on which rows are in the DOM now.
  useLayoutEffect(() => {
    const tree = ref.current;
    if (!tree) return;
    const shown = (activeId && document.getElementById(activeId)?.id) || tree.querySelector<HTMLElement>(ITEM)?.id;
    if (shown) tree.setAttribute('aria-activedescendant', shown);
    else tree.removeAttribute('aria-activedescendant');
  });

  return (
    <TreeContextProvider value={value}>
      <div
        ref={ref}
        role="tree"
        aria-label={label}
        tabIndex={0}
        className={keys.keyboard ? 'tree keyboard' : 'tree'}
        onKeyDown={keys.onKeyDown}
        onMouseDown={keys.onMouseDown}
        onFocus={(e) => {
          if (e.target === ref.current && !(activeId && document.getElementById(activeId))) {
            const first = ref.current.querySelector<HTMLElement>(ITEM);
            if (first) setActiveId(first.id);
          }
        }}
      >
        {children}
      </div>
    </TreeContextProvider>
  );
}

interface TreeRowProps {
  id: string;
  level: number;
  /** The parent row's id (Left moves there). */
  parentId?: string;
  label: ReactNode;
  /** Shown after the label, dimmed. */
  meta?: ReactNode;
  icon?: ReactNode;
  selected?: boolean;
  expanded?: boolean;
  onActivate?: () => void;
  onToggle?: () => void;
  /** Extra controls at the end of the row (buttons). */
  actions?: ReactNode;
  className?: string;
  title?: string;
}

export function TreeRow({
  id,
  level,
  parentId,
  label,
  meta,
  icon,
  selected,
  expanded,
  onActivate,
  onToggle,
  actions,
  className,
  title,
}: TreeRowProps) {
  const tree = useTree();
  const h = useRef<TreeItemHandlers>({});
  // The tree's key handlers call the latest of these; they are read only in events, after this has run.
  useLayoutEffect(() => {
    h.current = {
      ...(onActivate ? { activate: onActivate } : {}),
      ...(onToggle ? { toggle: onToggle } : {}),
      ...(expanded !== undefined ? { expanded } : {}),
    };
  });
  useEffect(() => tree.register(id, h), [tree, id]);
  const active = tree.activeId === id;
  return (
    <div
      id={id}
      role="treeitem"
      aria-level={level}
      aria-selected={selected ? true : false}
      aria-expanded={onToggle ? Boolean(expanded) : undefined}
      data-parent={parentId}
      className={['tree-row', active ? 'active' : '', selected ? 'selected' : '', className ?? ''].join(' ')}
      style={rowIndent(level)}
      title={title}
      onClick={() => {
        tree.setActive(id);
        if (onActivate) onActivate();
        else onToggle?.();
      }}
    >
      <span
        className={onToggle ? 'twisty' : 'twisty none'}
        aria-hidden="true"
        onClick={(e) => {
          if (!onToggle) return;
          e.stopPropagation();
          tree.setActive(id);
          onToggle();
        }}
      >
        {onToggle ? (expanded ? '▾' : '▸') : ''}
      </span>
      {icon && (
        <span className="row-icon" aria-hidden="true">
          {icon}
        </span>
      )}
      <span className="row-label">{label}</span>
      {meta && <span className="row-meta">{meta}</span>}
      {actions && (
        <span className="row-actions" onClick={(e) => e.stopPropagation()}>
          {actions}
        </span>
      )}
    </div>
  );
}
