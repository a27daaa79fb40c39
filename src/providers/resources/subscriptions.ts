import { armErrors } from '../../arm/errors.js';
import { locationsFor } from '../../arm/locations.js';
import { pageOf } from '../../arm/paging.js';
import type { ArmRequest, ResourceTypeDef } from '../../arm/types.js';
import { subscriptionStore, type SubscriptionRow } from '../../store/subscriptions.js';
import { RESOURCES_API_VERSIONS } from './apiVersions.js';

function serializeSubscription(row: SubscriptionRow): Record<string, unknown> {
  return {
    id: `/subscriptions/${row.subscription_id}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: row.subscription_id,
    tenantId: row.tenant_id,
    displayName: row.display_name,
    state: row.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    tags: {},
  };
}

async function getSubscription(req: ArmRequest) {
  const row = await subscriptionStore.get(req.server.database.db, req.path.names[0]);
  if (!row) throw armErrors.subscriptionNotFound(req.path.names[0]);
  return { status: 200, body: serializeSubscription(row) };
}

async function listSubscriptions(req: ArmRequest) {
  const { rows, nextLink } = await pageOf(
    async (after, limit) => (await subscriptionStore.page(req.server.database.db, after, limit)).filter((s) => s.tenant_id === req.server.tenantId),
    { query: req.query, publicUrl: req.server.publicUrl, pathname: req.pathname, apiVersion: req.apiVersion },
  );
  return { status: 200, body: { value: rows.map(serializeSubscription), ...(nextLink ? { nextLink } : {}) } };
}

export const subscriptions: ResourceTypeDef = {
  type: 'Microsoft.Resources/subscriptions',
  apiVersions: RESOURCES_API_VERSIONS,
  apiVersionStyle: 'arm',
  scopes: ['tenant'],
  tenantLevel: true,
  item: { GET: getSubscription },
  collection: { GET: listSubscriptions },
};

export const locations: ResourceTypeDef = {
  type: 'Microsoft.Resources/subscriptions/locations',
  apiVersions: RESOURCES_API_VERSIONS,
  apiVersionStyle: 'arm',
  scopes: ['tenant'],
  collection: { GET: async (req) => ({ status: 200, body: { value: locationsFor(req.path.names[0]) } }) },
};

export const tenants: ResourceTypeDef = {
  type: 'Microsoft.Resources/tenants',
  apiVersions: RESOURCES_API_VERSIONS,
  apiVersionStyle: 'arm',
  scopes: ['tenant'],
  tenantLevel: true,
  collection: {
    GET: async (req) => ({
      status: 200,
      body: {
        value: [
          {
            id: `/tenants/${req.server.tenantId}`,
            tenantId: req.server.tenantId,
            tenantCategory: 'Home',
            displayName: 'Amity',
            defaultDomain: 'amity.local',
            tenantType: 'AAD',
            domains: ['amity.local'],
          },
        ],
      },
    }),
  },
};
