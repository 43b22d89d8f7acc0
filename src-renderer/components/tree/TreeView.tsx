/**
 * A keyboard-driven tree (WAI-ARIA tree pattern with aria-activedescendant):
 * the container takes focus; Up/Down/Home/End move among the visible rows,
 * Right expands or steps into a row's children, Left collapses or steps to
 * the parent, Enter or Space opens the row. Rows register what they do;
 * their order is the DOM's, so lazily loaded levels need no bookkeeping.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
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

const TreeContext = createContext<TreeContextValue | null>(null);

export function useTree(): TreeContextValue {
  const value = useContext(TreeContext);
  if (!value) throw new Error('tree row outside TreeView');
  return value;
}

const ITEM = '[role="treeitem"]';

export function TreeView({ label, children }: { label: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const handlers = useRef(new Map<string, { current: TreeItemHandlers }>());
  const [activeId, setActiveId] = useState<string | null>(null);
  const [keyboard, setKeyboard] = useState(false);

  const register = useCallback((id: string, h: { current: TreeItemHandlers }) => {
    handlers.current.set(id, h);
    return () => {
      if (handlers.current.get(id) === h) handlers.current.delete(id);
    };
  }, []);

  const items = (): HTMLElement[] => (ref.current ? [...ref.current.querySelectorAll<HTMLElement>(ITEM)] : []);

  const moveTo = useCallback((el: HTMLElement | undefined) => {
    if (!el) return;
    setActiveId(el.id);
    el.scrollIntoView({ block: 'nearest' });
  }, []);

  // The active row disappeared (collapsed, filtered away): fall back to the first row.
  useEffect(() => {
    if (activeId && !document.getElementById(activeId)) setActiveId(null);
  });

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== ref.current) return;
    const all = items();
    if (all.length === 0) return;
    let index = activeId ? all.findIndex((el) => el.id === activeId) : -1;
    if (index < 0) index = 0;
    const current = all[index]!;
    const h = handlers.current.get(current.id)?.current ?? {};
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        moveTo(all[activeId ? Math.min(index + 1, all.length - 1) : 0]);
        break;
      case 'ArrowUp':
        moveTo(all[Math.max(index - 1, 0)]);
        break;
      case 'Home':
        moveTo(all[0]);
        break;
      case 'End':
        moveTo(all[all.length - 1]);
        break;
      case 'ArrowRight':
        if (h.toggle && !h.expanded) h.toggle();
        else if (h.expanded) moveTo(all[index + 1]);
        break;
      case 'ArrowLeft':
        if (h.toggle && h.expanded) h.toggle();
        else {
          const parent = current.dataset.parent;
          if (parent) moveTo(document.getElementById(parent) ?? undefined);
        }
        break;
      case 'Enter':
      case ' ':
        if (!activeId) moveTo(current);
        if (h.activate) h.activate();
        else h.toggle?.();
        break;
      default:
        handled = false;
    }
    if (handled) {
      e.preventDefault();
      setKeyboard(true);
      if (!activeId && e.key !== 'ArrowDown') setActiveId(current.id);
    }
  };

  const value = useMemo<TreeContextValue>(() => ({ activeId, setActive: setActiveId, register }), [activeId, register]);
  const shownActive = activeId ?? (ref.current?.querySelector<HTMLElement>(ITEM)?.id || null);

  return (
    <TreeContext.Provider value={value}>
      <div
        ref={ref}
        role="tree"
        aria-label={label}
        tabIndex={0}
        className={keyboard ? 'tree keyboard' : 'tree'}
        aria-activedescendant={shownActive ?? undefined}
        onKeyDown={onKeyDown}
        onMouseDown={() => setKeyboard(false)}
        onFocus={(e) => {
          if (e.target === ref.current && !activeId) {
            const first = ref.current.querySelector<HTMLElement>(ITEM);
            if (first) setActiveId(first.id);
          }
        }}
      >
        {children}
      </div>
    </TreeContext.Provider>
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

export function TreeRow({ id, level, parentId, label, meta, icon, selected, expanded, onActivate, onToggle, actions, className, title }: TreeRowProps) {
  const tree = useTree();
  const h = useRef<TreeItemHandlers>({});
  h.current = {
    ...(onActivate ? { activate: onActivate } : {}),
    ...(onToggle ? { toggle: onToggle } : {}),
    ...(expanded !== undefined ? { expanded } : {}),
  };
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
      {icon && <span className="row-icon" aria-hidden="true">{icon}</span>}
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
