/**
 * Azure's generic resource list (`…/resources`, Microsoft.Resources' Resources_List): one list over every resource
 * type, with `$filter` evaluated by the server across the whole subscription or group, not only the loaded pages.
 * Pure (no React), so node:test covers it.
 */

/** An item as the generic list answers it (GenericResourceExpanded): no `properties`. */
export interface GenericResource {
  id: string;
  name: string;
  type: string;
  location: string;
  tags?: Record<string, string>;
}

export interface GenericQuery {
  resourceType?: string;
  /** `substringof('…', name)`: case-insensitive "name contains". */
  nameContains?: string;
  location?: string;
}

/** An OData string literal: a quote is doubled. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The `$filter` for a query, or '' for none; the terms are joined by `and`, which ARM accepts for these. */
export function genericFilter(q: GenericQuery): string {
  const terms: string[] = [];
  if (q.resourceType) terms.push(`resourceType eq ${literal(q.resourceType)}`);
  const name = q.nameContains?.trim();
  if (name) terms.push(`substringof(${literal(name)}, name)`);
  if (q.location) terms.push(`location eq ${literal(q.location)}`);
  return terms.join(' and ');
}

/** The list's ARM path (without api-version) for a subscription or one of its groups, with the query's filter. */
export function genericListPath(subscriptionId: string, resourceGroup: string, q: GenericQuery): string {
  const scope = resourceGroup ? `/subscriptions/${subscriptionId}/resourceGroups/${encodeURIComponent(resourceGroup)}` : `/subscriptions/${subscriptionId}`;
  const filter = genericFilter(q);
  return `${scope}/resources${filter ? `?$filter=${encodeURIComponent(filter)}` : ''}`;
}
