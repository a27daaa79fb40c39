import { useCallback, useEffect, useRef, useState } from 'react';
import type { ArmPage } from './arm.js';

export interface PagedList<T, P> {
  /** Undefined until the first page arrives. */
  items: T[] | undefined;
  /** The first page as the server answered it (for extra fields such as a total count). */
  head: P | undefined;
  /** The next page's link, when the server has more. */
  next: string | undefined;
  loading: boolean;
  error: unknown;
  /** Appends the next page ("Load more"). */
  loadMore(): Promise<void>;
}

/**
 * A list read one page at a time: the first page whenever `key` changes (undefined: nothing to read, and what was
 * shown stays), further pages on request by following `nextLink`. The first read is aborted when `key` moves on, so a
 * late answer never lands on the wrong list. `first` and `more` are read when used, so they need not be memoised.
 */
export function usePagedList<T, P extends ArmPage<T> = ArmPage<T>>(
  key: string | undefined,
  first: (signal: AbortSignal) => Promise<P>,
  more: (nextLink: string) => Promise<ArmPage<T>>,
): PagedList<T, P> {
  const [items, setItems] = useState<T[]>();
  const [head, setHead] = useState<P>();
  const [next, setNext] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const calls = useRef({ first, more });
  calls.current = { first, more };

  useEffect(() => {
    if (key === undefined) return;
    const abort = new AbortController();
    setLoading(true);
    setError(undefined);
    calls.current
      .first(abort.signal)
      .then((p) => {
        setHead(p);
        setItems(p.value);
        setNext(p.nextLink);
      })
      .catch((e: unknown) => !abort.signal.aborted && setError(e))
      .finally(() => !abort.signal.aborted && setLoading(false));
    return () => abort.abort();
  }, [key]);

  const loadMore = useCallback(async () => {
    if (!next) return;
    setLoading(true);
    try {
      const p = await calls.current.more(next);
      setItems((i) => [...(i ?? []), ...p.value]);
      setNext(p.nextLink);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [next]);

  return { items, head, next, loading, error, loadMore };
}
