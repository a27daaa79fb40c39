import type { Identity } from '../../api/types.js';
import { parseResourceId } from '../../api/resourceIds.js';

/**
 * What the list does in the browser, over the identities loaded so far (pure, unit-tested). The server pages by
 * `$top`/`nextLink` in its key order (resource group, then name) and narrows by resource group (the group's own
 * list path); it has no `$filter` or `$orderby` for identities, so name and location filters and column sorting
 * apply to the loaded pages, and the page loads further pages on demand.
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

export function toRow(identity: Identity): Row {
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
