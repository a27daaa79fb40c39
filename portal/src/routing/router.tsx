import { Link as FluentLink } from '@fluentui/react-components';
import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';

/**
 * A deliberately tiny router over the History API (no extra dependency): the app lives under /portal/, the server
 * answers index.html for every /portal/... page path, and pages read the path and query from useLocation().
 */
export const BASE = '/portal';

export interface AppLocation {
  /** The path below /portal, starting with '/', e.g. '/identities'. */
  path: string;
  query: URLSearchParams;
}

const listeners = new Set<() => void>();

function current(): AppLocation {
  const p = window.location.pathname;
  const path = p.startsWith(BASE) ? p.slice(BASE.length) || '/' : p;
  return { path, query: new URLSearchParams(window.location.search) };
}

/** Goes to an app path ('/identities?x=1'); `replace` keeps the history entry (redirects). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = `${BASE}${to}`;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const l of listeners) l();
}

export function useLocation(): AppLocation {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

/**
 * Matches '/identities/:id*' style patterns: `:name` is one segment, `:name*` the rest of the path
 * (resource ids contain slashes). Returns the decoded parameters, or undefined.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const ps = pattern.split('/').filter(Boolean);
  const segs = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    if (p.startsWith(':') && p.endsWith('*')) {
      if (i >= segs.length) return undefined;
      params[p.slice(1, -1)] = '/' + segs.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    if (i >= segs.length) return undefined;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(segs[i]);
    else if (p.toLowerCase() !== segs[i].toLowerCase()) return undefined;
  }
  return segs.length === ps.length ? params : undefined;
}

/** An in-app link: a real <a href> (open in new tab works), navigating without a reload on a plain click. */
export function AppLink({ to, children, ...rest }: { to: string; children: ReactNode; className?: string; 'aria-current'?: 'page'; 'aria-label'?: string; inline?: boolean }) {
  return (
    <FluentLink
      {...rest}
      href={`${BASE}${to}`}
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </FluentLink>
  );
}
