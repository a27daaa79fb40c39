import type { ResourceRow, Db } from './resources.js';
import { compiledOnce } from './compiledQuery.js';

export interface ScopeRead {
  /** The subscription's tenant, or undefined when the subscription does not exist. */
  subscriptionTenantId?: string;
  /** The resource group's row, when a group was asked for and exists. */
  group?: ResourceRow;
}

// Every request under a subscription needs the subscription and usually its group: one statement, not two.
const selectScope = compiledOnce<Record<string, string | null>>(2, (db) =>
  db
    .selectFrom('subscriptions as s')
    .leftJoin('resources as r', (join) => join.on('r.key', '=', ''))
    .select([
      's.tenant_id as subscription_tenant_id',
      'r.key', 'r.id', 'r.type', 'r.subscription_id', 'r.resource_group', 'r.parent_key', 'r.name', 'r.location',
      'r.tags', 'r.properties', 'r.etag', 'r.created_at', 'r.changed_at', 'r.created_by', 'r.changed_by',
    ])
    .where('s.key', '=', ''),
);

export const scopeStore = {
  async read(db: Db, subscriptionKey: string, groupKey: string | undefined): Promise<ScopeRead> {
    const [row] = await selectScope(db, groupKey ?? '', subscriptionKey);
    if (!row) return {};
    const { subscription_tenant_id, ...group } = row;
    return { subscriptionTenantId: subscription_tenant_id ?? undefined, group: group.key ? (group as unknown as ResourceRow) : undefined };
  },
};
