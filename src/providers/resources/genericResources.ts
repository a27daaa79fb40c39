import { armErrors } from '../../arm/errors.js';
import { groupKeyOf } from '../../arm/ids.js';
import { pageOf, queryParam } from '../../arm/paging.js';
import type { ArmRequest, ArmResponse, ResourceTypeDef } from '../../arm/types.js';
import { listResources } from '../../store/resourceList.js';
import { resourceStore, type ResourceRow } from '../../store/resources.js';
import { serializeVm } from '../compute/virtualMachines.js';
import { VIRTUAL_MACHINE_TYPE } from '../compute/hostIdentities.js';
import { USER_ASSIGNED_IDENTITY_TYPE } from '../managedIdentity/userAssignedIdentities.js';
import { RESOURCES_API_VERSIONS } from './apiVersions.js';
import { parseResourceFilter } from './resourceFilter.js';

/** Stored types are lower-cased; clients get ARM's spelling. */
const TYPE_NAMES = new Map([VIRTUAL_MACHINE_TYPE, USER_ASSIGNED_IDENTITY_TYPE].map((t) => [t.toLowerCase(), t]));
/** The Compute version whose identity block (`userAssignedIdentities` map) the generic list shows, as Azure does. */
const VM_SHAPE_VERSION = '2024-07-01';
const EXPANDABLE = ['createdTime', 'changedTime', 'provisioningState'] as const;

function typeOf(row: ResourceRow): string {
  const known = TYPE_NAMES.get(row.type);
  if (known) return known;
  // Otherwise as the id spells it: `…/providers/{Namespace}/{type}/{name}`.
  const m = /\/providers\/([^/]+)\/([^/]+)\/[^/]+$/i.exec(row.id);
  return m ? `${m[1]}/${m[2]}` : row.type;
}

/** Azure's GenericResourceExpanded: no `properties` (as Azure's list), `identity` where the resource has one. */
function serializeGeneric(row: ResourceRow, opts: { withTags: boolean; expand: ReadonlySet<string> }): Record<string, unknown> {
  const out: Record<string, unknown> = { id: row.id, name: row.name, type: typeOf(row), location: row.location };
  if (row.type === VIRTUAL_MACHINE_TYPE.toLowerCase()) {
    const identity = serializeVm(row, VM_SHAPE_VERSION).identity;
    if (identity) out.identity = identity;
  }
  // A tag name-and-value filter answers without the resources' tags, as Azure documents.
  if (opts.withTags) out.tags = JSON.parse(row.tags ?? '{}');
  if (opts.expand.has('createdtime')) out.createdTime = row.created_at;
  if (opts.expand.has('changedtime')) out.changedTime = row.changed_at;
  if (opts.expand.has('provisioningstate')) out.provisioningState = (JSON.parse(row.properties) as { provisioningState?: string }).provisioningState ?? 'Succeeded';
  return out;
}

function expandOf(raw: string | undefined): Set<string> {
  const asked = (raw ?? '').split(',').map((s) => s.trim().toLowerCase());
  return new Set(EXPANDABLE.map((e) => e.toLowerCase()).filter((e) => asked.includes(e)));
}

/** GET /subscriptions/{s}/resources and /subscriptions/{s}/resourceGroups/{rg}/resources. */
async function list(req: ArmRequest): Promise<ArmResponse> {
  const db = req.server.database.db;
  const subscriptionKey = req.path.names[0].toLowerCase();
  const group = req.path.names.length > 1 ? req.path.names[1] : undefined;
  const groupKey = group?.toLowerCase();
  if (group !== undefined && !(await resourceStore.get(db, groupKeyOf(req.path.names[0], group)))) throw armErrors.resourceGroupNotFound(group);
  const rawFilter = queryParam(req.query, '$filter');
  const filter = parseResourceFilter(rawFilter);
  const rawExpand = queryParam(req.query, '$expand');
  const { rows, nextLink } = await pageOf((after, limit) => listResources(db, { subscriptionKey, groupKey, filter, after, limit }), {
    query: req.query,
    publicUrl: req.server.publicUrl,
    pathname: req.pathname,
    apiVersion: req.apiVersion,
  });
  const opts = { withTags: filter.tag?.value === undefined, expand: expandOf(rawExpand) };
  const body: Record<string, unknown> = { value: rows.map((r) => serializeGeneric(r, opts)) };
  // The next page keeps the filter and expansion (SDKs follow nextLink verbatim).
  if (nextLink) body.nextLink = `${nextLink}${carry('$filter', rawFilter)}${carry('$expand', rawExpand)}`;
  return { status: 200, body };
}

function carry(name: string, value: string | undefined): string {
  return value === undefined || value === '' ? '' : `&${name}=${encodeURIComponent(value)}`;
}

const generic = {
  apiVersions: RESOURCES_API_VERSIONS,
  apiVersionStyle: 'arm',
  scopes: ['tenant'],
  collection: { GET: list },
} as const satisfies Omit<ResourceTypeDef, 'type'>;

/** Resources_List: every resource of a subscription. RBAC: `Microsoft.Resources/subscriptions/resources/read`, items filtered by dispatch. */
export const subscriptionResources: ResourceTypeDef = { type: 'Microsoft.Resources/subscriptions/resources', ...generic };

/** Resources_ListByResourceGroup. RBAC: `Microsoft.Resources/subscriptions/resourceGroups/resources/read`. */
export const resourceGroupResources: ResourceTypeDef = { type: 'Microsoft.Resources/subscriptions/resourceGroups/resources', ...generic };
