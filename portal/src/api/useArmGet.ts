import { useCallback, useEffect, useState } from 'react';
import { arm } from './arm.js';

/**
 * One ARM resource (`path` with its api-version), read again when `path` changes or `reload()` is called. What was
 * read stays shown while a new read runs; a read that lost the race to a newer one is aborted.
 */
export function useArmGet<T>(path: string): { value: T | undefined; error: unknown; reload(): void } {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    const abort = new AbortController();
    setError(undefined);
    arm
      .get<T>(path, { signal: abort.signal })
      .then(setValue)
      .catch((e: unknown) => !abort.signal.aborted && setError(e));
    return () => abort.abort();
  }, [path, generation]);
  return { value, error, reload };
}
