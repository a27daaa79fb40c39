import { useEffect, useState } from 'react';
import { API_VERSIONS, arm, withApiVersion, type ArmPage } from './arm.js';
import type { Location, ResourceGroup } from './types.js';

/** Reference lists the pages share: a subscription's regions and resource groups (cached for the page's life). */

export function useLocations(subscriptionId: string | undefined): { locations: Location[]; error: unknown } {
  const [locations, setLocations] = useState<Location[]>([]);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!subscriptionId) return;
    const abort = new AbortController();
    arm
      .get<ArmPage<Location>>(withApiVersion(`/subscriptions/${subscriptionId}/locations`, API_VERSIONS.subscriptions), { signal: abort.signal })
      .then((p) => setLocations([...p.value].sort((a, b) => a.displayName.localeCompare(b.displayName))))
      .catch((e: unknown) => !abort.signal.aborted && setError(e));
    return () => abort.abort();
  }, [subscriptionId]);
  return { locations, error };
}

/** The groups of a subscription: the first 1000 (one page), which covers the selectors' purpose. */
export function useResourceGroups(subscriptionId: string | undefined, generation = 0): { groups: ResourceGroup[]; error: unknown; loading: boolean } {
  const [groups, setGroups] = useState<ResourceGroup[]>([]);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    setGroups([]);
    if (!subscriptionId) return;
    const abort = new AbortController();
    setLoading(true);
    arm
      .get<ArmPage<ResourceGroup>>(`${withApiVersion(`/subscriptions/${subscriptionId}/resourcegroups`, API_VERSIONS.resources)}&$top=1000`, { signal: abort.signal })
      .then((p) => setGroups([...p.value].sort((a, b) => a.name.localeCompare(b.name))))
      .catch((e: unknown) => !abort.signal.aborted && setError(e))
      .finally(() => !abort.signal.aborted && setLoading(false));
    return () => abort.abort();
  }, [subscriptionId, generation]);
  return { groups, error, loading };
}
