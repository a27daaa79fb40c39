import type { Identity } from '../../api/types.js';
import { parseResourceId } from '../../api/resourceIds.js';

/**
 * What the list does in the browser, over the identities loaded so far (pure, unit-tested). The server pages by
 * `$top`/`nextLink` in its key order (resource group, then name) and filters by resource group, name and location
 * across every identity (useIdentityList.ts); it has no `$orderby`, so column sorting applies to the loaded pages.
 * `matches` re-checks the filter in the browser, for rows already loaded while the next request runs.
 */
export interface ListFilter {
  name: string;
  location: string;
}

export type SortKey = 'name' | 'resourceGroup' | 'location';
export type SortDirection = 'ascending' | 'descending';

export interface Row {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  subscriptionId: string;
  clientId: string;
}

/** An identity from its own list, or from the generic resource list (no `properties`, so no client id). */
export function toRow(identity: Pick<Identity, 'id' | 'name' | 'location'> & { properties?: Partial<Identity['properties']> }): Row {
  const parts = parseResourceId(identity.id);
  return {
    id: identity.id,
    name: identity.name,
    resourceGroup: parts.resourceGroup ?? '',
    location: identity.location,
    subscriptionId: parts.subscriptionId ?? '',
    clientId: identity.properties?.clientId ?? '',
  };
}

export function matches(row: Row, filter: ListFilter): boolean {
  const name = filter.name.trim().toLowerCase();
  if (name && !row.name.toLowerCase().includes(name)) return false;
  if (filter.location && row.location.toLowerCase() !== filter.location.toLowerCase()) return false;
  return true;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export function sortRows(rows: readonly Row[], key: SortKey, direction: SortDirection): Row[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => sign * (collator.compare(a[key], b[key]) || collator.compare(a.name, b.name)));
}

/** How many identities each server page asks for; ARM's limit is 1000. */
export const SERVER_PAGE_SIZE = 200;
/** Rows shown at first and added by "Show more". */
export const DISPLAY_STEP = 50;
/** A filter that matches rarely stops scanning after this many rows per request for more (then the user asks again). */
export const SCAN_LIMIT = 5000;
