/**
 * Where the person is: connection, repository, the tag or digest picked,
 * the manifests opened from it (index children, subjects), and the tab.
 * A plain reducer (navigation.tsx provides it to the panes).
 */
export type TabId = 'overview' | 'manifest' | 'index' | 'config' | 'layers' | 'files' | 'compare' | 'referrers';

/** The other image of a comparison (Compare tab): on any connection. */
export interface CompareWith {
  connectionId: string;
  repository: string;
  reference: string;
}

export interface Crumb {
  /** A digest opened from the previous manifest. */
  reference: string;
  /** The platform it was picked for, when it came from an index. */
  platform?: string;
}

export interface NavState {
  connectionId?: string;
  repository?: string;
  /** The tag or digest picked in the tag list (or pasted into the reference bar). */
  reference?: string;
  trail: Crumb[];
  tab: TabId;
  /** A layer or config digest to point at in its tab. */
  highlight?: string | undefined;
  /** Bumped when something asks the tag list to show `reference` (reference bar). */
  revealTag: number;
  /** What the image on show is compared with (the Compare tab). */
  compare?: CompareWith;
}

export type NavAction =
  | { type: 'openRepository'; connectionId: string; repository: string }
  | { type: 'openReference'; connectionId: string; repository: string; reference: string; reveal?: boolean }
  | { type: 'drill'; reference: string; platform?: string; tab?: TabId }
  | { type: 'back'; depth: number }
  | { type: 'tab'; tab: TabId; highlight?: string }
  | { type: 'forgetConnection'; connectionId: string }
  | { type: 'compare'; with: CompareWith };

export const initialNav: NavState = { trail: [], tab: 'overview', revealTag: 0 };

export function navReducer(state: NavState, action: NavAction): NavState {
  switch (action.type) {
    case 'openRepository':
      if (state.connectionId === action.connectionId && state.repository === action.repository) return state;
      return {
        ...initialNav,
        connectionId: action.connectionId,
        repository: action.repository,
        tab: state.tab,
        revealTag: state.revealTag,
      };
    case 'openReference':
      return {
        connectionId: action.connectionId,
        repository: action.repository,
        reference: action.reference,
        trail: [],
        tab: state.tab === 'index' ? 'overview' : state.tab,
        revealTag: action.reveal ? state.revealTag + 1 : state.revealTag,
      };
    case 'drill':
      if (!state.reference) return state;
      return {
        ...state,
        trail: [...state.trail, { reference: action.reference, ...(action.platform ? { platform: action.platform } : {}) }],
        tab: action.tab ?? (state.tab === 'index' ? 'overview' : state.tab),
        highlight: undefined,
      };
    case 'back':
      return { ...state, trail: state.trail.slice(0, Math.max(0, action.depth)), highlight: undefined };
    case 'tab':
      return { ...state, tab: action.tab, highlight: action.highlight };
    case 'forgetConnection':
      return state.connectionId === action.connectionId ? { ...initialNav, tab: state.tab } : state;
    case 'compare':
      return { ...state, compare: action.with, tab: 'compare', highlight: undefined };
  }
}

/** The image the detail pane shows: the last crumb, or the picked reference. */
export function currentImage(
  state: NavState,
): { connectionId: string; repository: string; reference: string; platform?: string } | undefined {
  if (!state.connectionId || !state.repository || !state.reference) return undefined;
  const last = state.trail[state.trail.length - 1];
  return {
    connectionId: state.connectionId,
    repository: state.repository,
    reference: last ? last.reference : state.reference,
    ...(last?.platform ? { platform: last.platform } : {}),
  };
}

/** Opening one image of an index (or a manifest it lists): the drill remembers the platform, for the crumbs and the summary. */
export function openChild(child: { digest: string; platform?: string | undefined }, tab?: TabId): NavAction {
  return { type: 'drill', reference: child.digest, ...(child.platform ? { platform: child.platform } : {}), ...(tab ? { tab } : {}) };
}
