/**
 * A React context that has no default: reading it outside its provider is a
 * bug in the page, said at once with the hook's name, instead of a null that
 * fails somewhere later.
 */
import { createContext, useContext, type Provider } from 'react';

export function createStrictContext<T>(hookName: string): [Provider<T | null>, () => T] {
  const Context = createContext<T | null>(null);
  Context.displayName = hookName;
  const useStrict = (): T => {
    const value = useContext(Context);
    if (value === null) throw new Error(`${hookName} is used outside its provider (see context/AppProviders.tsx)`);
    return value;
  };
  return [Context.Provider, useStrict];
}
