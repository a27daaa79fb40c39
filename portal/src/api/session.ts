import { request, setCsrfToken } from './http.js';

/** The signed-in account as the server's session knows it. */
export interface SessionInfo {
  user: { objectId: string; userPrincipalName: string; displayName: string };
  tenantId: string;
  /** Per-session CSRF token: sent back in the x-amity-csrf header on every write (kept in memory only). */
  csrfToken: string;
  /** Where the device-code approval page lives (for `az login --use-device-code`). */
  devicePagePath: string;
}

/** The current session, or undefined when signed out. */
export async function loadSession(): Promise<SessionInfo | undefined> {
  const s = await request<{ signedIn: boolean } & Partial<SessionInfo>>('GET', '/portal/api/session', { quiet401: true });
  if (!s.signedIn) {
    setCsrfToken(undefined);
    return undefined;
  }
  setCsrfToken(s.csrfToken);
  return s as SessionInfo;
}

export async function signIn(userName: string, password: string): Promise<SessionInfo> {
  const s = await request<SessionInfo>('POST', '/portal/api/signin', { body: { userName, password }, quiet401: true });
  setCsrfToken(s.csrfToken);
  return s;
}

export async function signOut(): Promise<void> {
  try {
    await request('POST', '/portal/api/signout', { quiet401: true });
  } finally {
    setCsrfToken(undefined);
  }
}
