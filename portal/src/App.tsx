import { FluentProvider, Spinner, webDarkTheme, webLightTheme } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { onSessionExpired } from './api/http.js';
import { loadSession, signOut as apiSignOut, type SessionInfo } from './api/session.js';
import { SignInPage } from './pages/SignInPage.js';
import { DEFAULT_PATH, ROUTES } from './routes.js';
import { matchPath, navigate, useLocation } from './routing/router.js';
import { AppShell } from './shell/AppShell.js';
import { SessionContext, type SessionState } from './state/session.js';
import { SubscriptionProvider } from './state/subscriptions.js';
import { ThemeChoiceProvider } from './state/theme.js';
import { ErrorBar } from './components/ErrorBar.js';

/** Theme, then the session: the sign-in page while signed out, the shell and the routed page once signed in. */
export function App() {
  return (
    <ThemeChoiceProvider>
      {(dark) => (
        <FluentProvider theme={dark ? webDarkTheme : webLightTheme}>
          <SessionGate />
        </FluentProvider>
      )}
    </ThemeChoiceProvider>
  );
}

function SessionGate() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [error, setError] = useState<unknown>();
  const location = useLocation();

  useEffect(() => {
    loadSession()
      .then((s) => setSession(s ?? null))
      .catch((e: unknown) => setError(e));
    onSessionExpired(() => setSession(null));
    return () => onSessionExpired(undefined);
  }, []);

  const signOut = useCallback(async () => {
    await apiSignOut().catch(() => undefined);
    setSession(null);
    navigate('/signin', { replace: true });
  }, []);
  const state = useMemo<SessionState | undefined>(() => (session ? { session, signOut } : undefined), [session, signOut]);

  if (error) return <ErrorBar error={error} title="The portal could not reach the server" />;
  if (session === undefined) return <Spinner label="Loading…" />;
  if (!state) {
    return (
      <SignedOut
        path={location.path}
        onSignedIn={(s) => {
          setSession(s);
          const back = location.query.get('returnTo');
          navigate(back && back.startsWith('/') && !back.startsWith('//') ? back : DEFAULT_PATH, { replace: true });
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={state}>
      <SubscriptionProvider>
        <AppShell>
          <RoutedPage path={location.path} />
        </AppShell>
      </SubscriptionProvider>
    </SessionContext.Provider>
  );
}

function RoutedPage({ path }: { path: string }) {
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (params) {
      const Page = route.component;
      return <Page params={params} />;
    }
  }
  return <Redirect to={DEFAULT_PATH} />;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** The sign-in page, at /signin?returnTo=<where the user was going>. */
function SignedOut({ path, onSignedIn }: { path: string; onSignedIn(s: SessionInfo): void }) {
  useEffect(() => {
    if (path !== '/signin') {
      const here = `${path}${window.location.search}`;
      navigate(`/signin${path === '/' ? '' : `?returnTo=${encodeURIComponent(here)}`}`, { replace: true });
    }
  }, [path]);
  return <SignInPage onSignedIn={onSignedIn} />;
}
