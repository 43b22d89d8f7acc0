/** The navigation state (lib/nav-state.ts) for every pane. */
import { useMemo, useReducer, type ReactNode } from 'react';
import { initialNav, navReducer, type NavAction, type NavState } from '../lib/nav-state';
import { createStrictContext } from './strict-context';

export { currentImage, navReducer, openChild, type Crumb, type NavAction, type NavState, type TabId } from '../lib/nav-state';

interface NavContextValue {
  state: NavState;
  dispatch: (action: NavAction) => void;
}

const [NavContextProvider, useNavigation] = createStrictContext<NavContextValue>('useNavigation');

export { useNavigation };

export function NavigationProvider({ children }: { children: ReactNode }) {
  const [state, dispatch] = useReducer(navReducer, initialNav);
  const value = useMemo(() => ({ state, dispatch }), [state]);
  return <NavContextProvider value={value}>{children}</NavContextProvider>;
}
