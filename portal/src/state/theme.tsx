import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

/** Light or dark: follows the system (prefers-color-scheme) until the user picks one with the toggle. */
export type ThemeChoice = 'system' | 'light' | 'dark';

interface ThemeState {
  choice: ThemeChoice;
  dark: boolean;
  setChoice(choice: ThemeChoice): void;
}

const STORAGE_KEY = 'amity.portal.theme';
const Ctx = createContext<ThemeState | undefined>(undefined);

function systemDark(): boolean {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

export function ThemeChoiceProvider({ children }: { children: (dark: boolean) => ReactNode }) {
  const [choice, setChoiceState] = useState<ThemeChoice>(() => (window.localStorage.getItem(STORAGE_KEY) as ThemeChoice | null) ?? 'system');
  const [system, setSystem] = useState(systemDark);
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!mq) return;
    const update = () => setSystem(mq.matches);
    mq.addEventListener('change', update);
    return () => mq.removeEventListener('change', update);
  }, []);
  const setChoice = (c: ThemeChoice) => {
    window.localStorage.setItem(STORAGE_KEY, c);
    setChoiceState(c);
  };
  const dark = choice === 'system' ? system : choice === 'dark';
  return <Ctx.Provider value={{ choice, dark, setChoice }}>{children(dark)}</Ctx.Provider>;
}

export function useTheme(): ThemeState {
  const t = useContext(Ctx);
  if (!t) throw new Error('useTheme outside ThemeChoiceProvider');
  return t;
}
