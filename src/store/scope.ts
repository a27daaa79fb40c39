import type { ResourceRow, Db } from './resources.js';
import { compiledOnce } from './compiledQuery.js';

export interface ScopeRead {
  /** The subscription's tenant, or undefined when the subscription does not exist. */
  subscriptionTenantId?: string;
  /** The resource group's row, when a group was asked for and exists. */
  group?: ResourceRow;
  /** The resource at the request's path, when asked for: `row` undefined when it does not exist. */
  item?: { key: string; row?: ResourceRow };
}

const COLUMNS = ['key', 'id', 'type', 'subscription_id', 'resource_group', 'parent_key', 'name', 'location', 'tags', 'properties', 'etag', 'created_at', 'changed_at', 'created_by', 'changed_by'] as const;

// Every request under a subscription needs the subscription, usually its group, and for an item the resource itself:
// one statement, not three (a round trip each on PostgreSQL). Parameters in SQL order: group key, item key, subscription.
const selectScope = compiledOnce<Record<string, string | null>>(3, (db) =>
  db
    .selectFrom('subscriptions as s')
    .leftJoin('resources as r', (join) => join.on('r.key', '=', ''))
    .leftJoin('resources as t', (join) => join.on('t.key', '=', ''))
    .select([
      's.tenant_id as subscription_tenant_id',
      'r.key', 'r.id', 'r.type', 'r.subscription_id', 'r.resource_group', 'r.parent_key', 'r.name', 'r.location',
      'r.tags', 'r.properties', 'r.etag', 'r.created_at', 'r.changed_at', 'r.created_by', 'r.changed_by',
      't.key as t_key', 't.id as t_id', 't.type as t_type', 't.subscription_id as t_subscription_id', 't.resource_group as t_resource_group',
      't.parent_key as t_parent_key', 't.name as t_name', 't.location as t_location', 't.tags as t_tags', 't.properties as t_properties',
      't.etag as t_etag', 't.created_at as t_created_at', 't.changed_at as t_changed_at', 't.created_by as t_created_by', 't.changed_by as t_changed_by',
    ])
    .where('s.key', '=', ''),
);

export const scopeStore = {
  async read(db: Db, subscriptionKey: string, groupKey: string | undefined, itemKey?: string): Promise<ScopeRead> {
    const [row] = await selectScope(db, groupKey ?? '', itemKey ?? '', subscriptionKey);
    if (!row) return {};
    const group = row.key ? (Object.fromEntries(COLUMNS.map((c) => [c, row[c]])) as unknown as ResourceRow) : undefined;
    const item = row.t_key ? (Object.fromEntries(COLUMNS.map((c) => [c, row[`t_${c}`]])) as unknown as ResourceRow) : undefined;
    return { subscriptionTenantId: row.subscription_tenant_id ?? undefined, group, ...(itemKey ? { item: { key: itemKey, row: item } } : {}) };
  },
};
