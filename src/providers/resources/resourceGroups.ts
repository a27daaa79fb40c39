import crypto from 'node:crypto';
import type { Transaction } from 'kysely';
import { objectBody, optionalString } from '../../arm/body.js';
import { armErrors } from '../../arm/errors.js';
import { groupId, groupKeyOf, RESOURCE_GROUP_TYPE } from '../../arm/ids.js';
import { requireLocation } from '../../arm/locations.js';
import { pageOf } from '../../arm/paging.js';
import { etagHeader, requirePreconditions } from '../../arm/preconditions.js';
import { validateTags } from '../../arm/tags.js';
import type { ArmRequest, ArmResponse, ResourceTypeDef } from '../../arm/types.js';
import { isUniqueViolation, WRITE_ATTEMPTS } from '../../arm/trackedResource.js';
import { resourceStore, type ResourceRow } from '../../store/resources.js';
import type { Schema } from '../../store/schema.js';
import { RESOURCES_API_VERSIONS } from './apiVersions.js';
import { deleteGroupNow, startGroupDeletion } from './groupDeletion.js';

const RG_NAME = /^[-\w._()\p{L}\p{Nd}]+$/u;

export function validateGroupName(name: string): void {
  const invalid = [...new Set([...name].filter((c) => !RG_NAME.test(c)))].join('');
  if (invalid || name.length === 0) throw armErrors.invalidResourceGroupName(name, invalid);
  if (name.length > 90 || name.endsWith('.')) {
    throw armErrors.badRequest(
      'InvalidResourceGroup',
      `The provided resource group name '${name}' is invalid. It must be 1-90 characters long and must not end with a period.`,
    );
  }
}

export function serializeGroup(row: ResourceRow): Record<string, unknown> {
  const props = JSON.parse(row.properties);
  const out: Record<string, unknown> = {
    id: row.id,
    name: row.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: row.location,
    tags: JSON.parse(row.tags ?? '{}'),
    properties: { provisioningState: props.provisioningState ?? 'Succeeded' },
  };
  if (props.managedBy) out.managedBy = props.managedBy;
  return out;
}

const keyOf = (req: ArmRequest) => groupKeyOf(req.path.names[0], req.path.names[1]);

async function load(req: ArmRequest): Promise<ResourceRow> {
  const row = await resourceStore.get(req.server.database.db, keyOf(req));
  if (!row) throw armErrors.resourceGroupNotFound(req.path.names[1]);
  return row;
}

/** Runs a write and records its success in the activity log in one transaction; false when the write changed nothing. */
async function recordedWrite(req: ArmRequest, statusCode: number, scope: string, write: (trx: Transaction<Schema>) => Promise<boolean>): Promise<boolean> {
  return req.server.database.db.transaction().execute(async (trx) => {
    if (!(await write(trx))) return false;
    await req.activity.record(trx, { statusCode, scope });
    return true;
  });
}

/** A write that lost a race to a concurrent one (etag moved, or a create beaten to the key) reads again and retries. */
function retry(req: ArmRequest, name: string, attempt: number, handler: (req: ArmRequest, attempt: number) => Promise<ArmResponse>): Promise<ArmResponse> {
  if (attempt >= WRITE_ATTEMPTS) throw armErrors.concurrentWrite(name);
  return handler(req, attempt + 1);
}

async function put(req: ArmRequest, attempt = 1): Promise<ArmResponse> {
  const body = objectBody(req.body);
  const name = req.path.names[1];
  validateGroupName(name);
  const location = requireLocation(body.location, 'resourceGroup');
  const tags = validateTags(body.tags) ?? {};
  const managedBy = optionalString(body.managedBy, 'managedBy');
  const db = req.server.database.db;
  const existing = await resourceStore.get(db, keyOf(req));
  // Checked against the row the compare-and-swap below replaces: a concurrent write makes it retry and check again.
  requirePreconditions(req, existing);
  const now = new Date().toISOString();
  if (existing) {
    if (JSON.parse(existing.properties).provisioningState === 'Deleting') throw armErrors.resourceGroupBeingDeleted(existing.name);
    if (existing.location !== location) throw armErrors.invalidResourceGroupLocation(location, existing.location ?? '');
    const row = { ...existing, tags: JSON.stringify(tags), properties: JSON.stringify({ provisioningState: 'Succeeded', managedBy }), etag: crypto.randomUUID(), changed_at: now, changed_by: req.principal.objectId };
    if (!(await recordedWrite(req, 200, row.id, (trx) => resourceStore.replace(trx, row, existing.etag)))) return retry(req, existing.name, attempt, put);
    return { status: 200, body: serializeGroup(row), headers: etagHeader(row) };
  }
  const row: ResourceRow = {
    key: keyOf(req),
    id: groupId(req.path.names[0], name),
    type: RESOURCE_GROUP_TYPE,
    subscription_id: req.path.names[0].toLowerCase(),
    resource_group: name.toLowerCase(),
    parent_key: '',
    name,
    location,
    tags: JSON.stringify(tags),
    properties: JSON.stringify({ provisioningState: 'Succeeded', managedBy }),
    etag: crypto.randomUUID(),
    created_at: now,
    changed_at: now,
    created_by: req.principal.objectId,
    changed_by: req.principal.objectId,
  };
  try {
    await recordedWrite(req, 201, row.id, async (trx) => (await resourceStore.insert(trx, row), true));
  } catch (e) {
    if (isUniqueViolation(e)) return retry(req, name, attempt, put);
    throw e;
  }
  return { status: 201, body: serializeGroup(row), headers: etagHeader(row) };
}

async function patch(req: ArmRequest, attempt = 1): Promise<ArmResponse> {
  const body = objectBody(req.body);
  const existing = await load(req);
  requirePreconditions(req, existing);
  const props = JSON.parse(existing.properties);
  if (props.provisioningState === 'Deleting') throw armErrors.resourceGroupBeingDeleted(existing.name);
  if (body.location !== undefined && requireLocation(body.location, 'resourceGroup') !== existing.location) {
    throw armErrors.invalidResourceGroupLocation(String(body.location), existing.location ?? '');
  }
  const tags = validateTags(body.tags);
  const managedBy = optionalString(body.managedBy, 'managedBy');
  const row = {
    ...existing,
    tags: tags === undefined ? existing.tags : JSON.stringify(tags),
    properties: JSON.stringify({ ...props, managedBy: managedBy ?? props.managedBy }),
    etag: crypto.randomUUID(),
    changed_at: new Date().toISOString(),
    changed_by: req.principal.objectId,
  };
  if (!(await recordedWrite(req, 200, row.id, (trx) => resourceStore.replace(trx, row, existing.etag)))) return retry(req, existing.name, attempt, patch);
  return { status: 200, body: serializeGroup(row), headers: etagHeader(row) };
}

async function del(req: ArmRequest): Promise<ArmResponse> {
  const group = await resourceStore.get(req.server.database.db, keyOf(req));
  requirePreconditions(req, group);
  if (!group) throw armErrors.resourceGroupNotFound(req.path.names[1]);
  const props = JSON.parse(group.properties);
  if (props.provisioningState !== 'Deleting' && (await deleteGroupNow(req.server, group, req.activity))) return { status: 200 };
  const operationId = props.provisioningState === 'Deleting' ? await runningOperation(req, group) : await startGroupDeletion(req.server, group, req.activity);
  return { status: 202, headers: operationHeaders(req, operationId) };
}

async function runningOperation(req: ArmRequest, group: ResourceRow): Promise<string> {
  const row = await req.server.database.db
    .selectFrom('async_operations')
    .select('id')
    .where('resource_key', '=', group.key)
    .where('status', '=', 'Running')
    .executeTakeFirst();
  return row?.id ?? (await startGroupDeletion(req.server, group, req.activity));
}

export function operationHeaders(req: ArmRequest, operationId: string): Record<string, string> {
  return {
    location: `${req.server.publicUrl}/subscriptions/${req.path.subscriptionId}/operationresults/${operationId}?api-version=${req.apiVersion}`,
    'retry-after': '1',
  };
}

async function get(req: ArmRequest): Promise<ArmResponse> {
  const row = await load(req);
  return { status: 200, body: serializeGroup(row), headers: etagHeader(row) };
}

async function list(req: ArmRequest): Promise<ArmResponse> {
  const db = req.server.database.db;
  const subscriptionKey = req.path.names[0].toLowerCase();
  const { rows, nextLink } = await pageOf((after, limit) => resourceStore.page(db, { subscriptionKey, type: RESOURCE_GROUP_TYPE, after, limit }), {
    query: req.query,
    publicUrl: req.server.publicUrl,
    pathname: req.pathname,
    apiVersion: req.apiVersion,
  });
  return { status: 200, body: { value: rows.map(serializeGroup), ...(nextLink ? { nextLink } : {}) } };
}

export const resourceGroups: ResourceTypeDef = {
  type: 'Microsoft.Resources/subscriptions/resourceGroups',
  apiVersions: RESOURCES_API_VERSIONS,
  apiVersionStyle: 'arm',
  scopes: ['tenant'],
  item: { GET: get, HEAD: async (req) => (await load(req), { status: 204 }), PUT: put, PATCH: patch, DELETE: del },
  collection: { GET: list },
};
