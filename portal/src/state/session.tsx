import { createContext, useContext } from 'react';
import type { SessionInfo } from '../api/session.js';

/** The signed-in session, provided by App once loaded; pages below the shell can rely on it. */
export interface SessionState {
  session: SessionInfo;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionState | undefined>(undefined);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in shell');
  return s;
}
