/** The navigation state (nav-state.ts) for every pane, through React context. */
import { createContext, useContext, useMemo, useReducer, type ReactNode } from 'react';
import { initialNav, navReducer, type NavAction, type NavState } from './nav-state';

export { currentImage, navReducer, type Crumb, type NavAction, type NavState, type TabId } from './nav-state';

interface NavContextValue {
  state: NavState;
  dispatch: (action: NavAction) => void;
}

const NavContext = createContext<NavContextValue | null>(null);

export function NavigationProvider({ children }: { children: ReactNode }) {
  const [state, dispatch] = useReducer(navReducer, initialNav);
  const value = useMemo(() => ({ state, dispatch }), [state]);
  return <NavContext.Provider value={value}>{children}</NavContext.Provider>;
}

export function useNavigation(): NavContextValue {
  const value = useContext(NavContext);
  if (!value) throw new Error('useNavigation outside NavigationProvider');
  return value;
}
