import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { API_VERSIONS, arm, withApiVersion, type ArmPage } from '../api/arm.js';
import type { Subscription } from '../api/types.js';

/**
 * The subscriptions the user can see and the selected one (the top bar's selector). The choice is remembered in
 * localStorage: a subscription id is not a secret (tokens never go there).
 */
export interface SubscriptionState {
  subscriptions: Subscription[];
  selected: Subscription | undefined;
  select(subscriptionId: string): void;
  loading: boolean;
  error: Error | undefined;
  reload(): void;
}

const STORAGE_KEY = 'amity.portal.subscription';
const Ctx = createContext<SubscriptionState | undefined>(undefined);

export function SubscriptionProvider({ children }: { children: ReactNode }) {
  const [subscriptions, setSubscriptions] = useState<Subscription[]>([]);
  const [selectedId, setSelectedId] = useState<string | null>(() => window.localStorage.getItem(STORAGE_KEY));
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    setLoading(true);
    (async () => {
      const all: Subscription[] = [];
      let next: string | undefined = withApiVersion('/subscriptions', API_VERSIONS.subscriptions);
      // Few subscriptions per tenant: every page is read.
      while (next) {
        const page: ArmPage<Subscription> = await arm.get<ArmPage<Subscription>>(next, { signal: abort.signal });
        all.push(...page.value);
        next = page.nextLink;
      }
      setSubscriptions(all);
      setError(undefined);
    })()
      .catch((e: unknown) => {
        if (!abort.signal.aborted) setError(e as Error);
      })
      .finally(() => {
        if (!abort.signal.aborted) setLoading(false);
      });
    return () => abort.abort();
  }, [generation]);

  const select = useCallback((id: string) => {
    window.localStorage.setItem(STORAGE_KEY, id);
    setSelectedId(id);
  }, []);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  const value = useMemo<SubscriptionState>(() => {
    const selected = subscriptions.find((s) => s.subscriptionId === selectedId) ?? subscriptions[0];
    return { subscriptions, selected, select, loading, error, reload };
  }, [subscriptions, selectedId, select, loading, error, reload]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSubscriptions(): SubscriptionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSubscriptions outside SubscriptionProvider');
  return s;
}
