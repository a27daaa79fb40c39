import { useCallback, useEffect, useRef, useState } from 'react';
import { API_VERSIONS, arm, withApiVersion, type ArmPage } from '../../api/arm.js';
import { genericListPath, type GenericResource } from '../../api/genericResources.js';
import { IDENTITY_TYPE } from '../../api/resourceIds.js';
import type { Identity } from '../../api/types.js';
import { matches, SCAN_LIMIT, SERVER_PAGE_SIZE, toRow, type ListFilter, type Row } from './identityList.js';

export interface IdentityListState {
  rows: Row[];
  /** More pages on the server. */
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  reload(): void;
  /** Drops rows the user just deleted without reloading. */
  remove(ids: string[]): void;
}

/**
 * Where the list starts. No name or location filter: the identities' own list (subscription or group path), whose
 * items carry the client id. With one: the generic resource list, whose `$filter` the server applies across all the
 * identities (so a match far beyond the first page is found in one request); its items have no client id.
 */
function firstPage(subscriptionId: string, resourceGroup: string, filter: ListFilter): string {
  if (filter.name.trim() || filter.location) {
    const path = genericListPath(subscriptionId, resourceGroup, { resourceType: IDENTITY_TYPE, nameContains: filter.name, location: filter.location });
    return withApiVersion(path, API_VERSIONS.resources);
  }
  const base = resourceGroup
    ? `/subscriptions/${subscriptionId}/resourceGroups/${encodeURIComponent(resourceGroup)}/providers/${IDENTITY_TYPE}`
    : `/subscriptions/${subscriptionId}/providers/${IDENTITY_TYPE}`;
  return withApiVersion(base, API_VERSIONS.managedIdentity);
}

/**
 * The identities of a subscription, or of one resource group, narrowed by the server (the group's list path, or the
 * generic list's `$filter` for name and location), loaded page by page with `$top`/`nextLink`: never everything at
 * once, so 100,000 identities cost one page.
 */
export function useIdentityList(subscriptionId: string | undefined, resourceGroup: string, filter: ListFilter, wanted: number): IdentityListState {
  const [rows, setRows] = useState<Row[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  // The cursor and rows live in refs as well, so loadUntil can loop without waiting for re-renders.
  const next = useRef<string | undefined>(undefined);
  const loaded = useRef<Row[]>([]);
  const busy = useRef<Promise<void> | undefined>(undefined);
  const scope = useRef(0);

  useEffect(() => {
    scope.current++;
    loaded.current = [];
    setRows([]);
    setError(undefined);
    busy.current = undefined;
    if (!subscriptionId) {
      next.current = undefined;
      return;
    }
    next.current = `${firstPage(subscriptionId, resourceGroup, { name: filter.name, location: filter.location })}&$top=${SERVER_PAGE_SIZE}`;
  }, [subscriptionId, resourceGroup, filter.name, filter.location, generation]);

  /** Loads pages until `wanted` loaded rows match the filter, the server has no more, or SCAN_LIMIT rows were read. */
  const loadUntil = useCallback(async (wanted: number, filter: ListFilter) => {
    if (busy.current) await busy.current;
    const myScope = scope.current;
    const run = async () => {
      let scanned = 0;
      setLoading(true);
      try {
        while (next.current && scanned < SCAN_LIMIT && loaded.current.filter((r) => matches(r, filter)).length < wanted) {
          const page: ArmPage<Identity | GenericResource> = await arm.get<ArmPage<Identity | GenericResource>>(next.current);
          if (scope.current !== myScope) return;
          const fresh = page.value.map(toRow);
          scanned += fresh.length;
          loaded.current = [...loaded.current, ...fresh];
          next.current = page.nextLink;
          setRows(loaded.current);
        }
        setError(undefined);
      } catch (e) {
        if (scope.current === myScope) setError(e);
      } finally {
        if (scope.current === myScope) setLoading(false);
      }
    };
    busy.current = run();
    await busy.current;
    busy.current = undefined;
  }, []);

  useEffect(() => {
    void loadUntil(wanted, { name: filter.name, location: filter.location });
  }, [loadUntil, subscriptionId, resourceGroup, generation, filter.name, filter.location, wanted]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const remove = useCallback((ids: string[]) => {
    const gone = new Set(ids.map((i) => i.toLowerCase()));
    loaded.current = loaded.current.filter((r) => !gone.has(r.id.toLowerCase()));
    setRows(loaded.current);
  }, []);

  return { rows, hasMore: next.current !== undefined, loading, error, reload, remove };
}
