/** Tabs (WAI-ARIA tabs pattern): Left/Right/Home/End move between tabs and show them. */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabSpec<T extends string> {
  id: T;
  label: ReactNode;
}

interface TabsProps<T extends string> {
  tabs: TabSpec<T>[];
  current: T;
  onChange: (id: T) => void;
  label: string;
  children: ReactNode;
}

/** Where each key moves the selection, from the selected tab's index among `count` tabs. */
const TAB_KEYS: Record<string, (index: number, count: number) => number> = {
  ArrowRight: (index, count) => (index + 1) % count,
  ArrowLeft: (index, count) => (index - 1 + count) % count,
  Home: () => 0,
  End: (_index, count) => count - 1,
};

export function Tabs<T extends string>({ tabs, current, onChange, label, children }: TabsProps<T>) {
  const listRef = useRef<HTMLDivElement>(null);
  const selected = tabs.some((t) => t.id === current) ? current : tabs[0]?.id;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((t) => t.id === selected);
    const next = TAB_KEYS[e.key]?.(index, tabs.length);
    if (next === undefined) return;
    e.preventDefault();
    const tab = tabs[next];
    if (!tab) return;
    onChange(tab.id);
    listRef.current?.querySelector<HTMLElement>(`#tab-${tab.id}`)?.focus();
  };

  return (
    <div className="tabs">
      <div ref={listRef} role="tablist" aria-label={label} className="tab-list" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === selected}
            aria-controls={`tabpanel-${t.id}`}
            tabIndex={t.id === selected ? 0 : -1}
            className="tab"
            onClick={() => onChange(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`tabpanel-${selected}`} aria-labelledby={`tab-${selected}`} tabIndex={0} className="tab-panel">
        {children}
      </div>
    </div>
  );
}
