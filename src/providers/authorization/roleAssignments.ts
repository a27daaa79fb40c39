import { ArmError, armErrors } from '../../arm/errors.js';
import { resourceStore } from '../../store/resources.js';
import { objectBody } from '../../arm/body.js';
import { GUID_PATTERN } from '../../arm/path.js';
import { etagHeader, hasPreconditions, requirePreconditions, versionEtag } from '../../arm/preconditions.js';
import type { ArmRequest, ArmResponse, ResourceTypeDef } from '../../arm/types.js';
import { scopeCovers } from '../../rbac/evaluator.js';
import { principalStore } from '../../store/principals.js';
import { roleAssignmentStore, roleGuidOf, type RoleAssignmentRow } from '../../store/roleAssignments.js';
import { roleDefinitionStore } from '../../store/roleDefinitions.js';
import { isUniqueViolation, WRITE_ATTEMPTS } from '../../arm/trackedResource.js';
import { nextChangedAt } from '../../store/changeStamp.js';
import { AUTHORIZATION_API_VERSIONS, parseFilter, requestScope } from './common.js';
import { roleDefinitionIdAt } from './roleDefinitions.js';

export const ROLE_ASSIGNMENT_TYPE = 'Microsoft.Authorization/roleAssignments';
const PRINCIPAL_TYPES = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'];

export function serializeRoleAssignment(row: RoleAssignmentRow): Record<string, unknown> {
  return {
    id: row.id,
    type: ROLE_ASSIGNMENT_TYPE,
    name: row.name,
    properties: {
      roleDefinitionId: row.role_definition_id,
      principalId: row.principal_id,
      principalType: row.principal_type,
      scope: row.scope,
      condition: row.condition,
      conditionVersion: row.condition_version,
      createdOn: row.created_at,
      updatedOn: row.changed_at,
      createdBy: row.created_by,
      updatedBy: row.changed_by,
      delegatedManagedIdentityResourceId: null,
      description: row.description,
    },
  };
}

const idAt = (scope: string, name: string) => `${scope === '/' ? '' : scope}/providers/${ROLE_ASSIGNMENT_TYPE}/${name}`;

/** Role assignments have no etag column: their version is derived from the last change (see versionEtag). */
const assignmentVersion = (row: RoleAssignmentRow) => versionEtag(row.key, row.changed_at);

async function get(req: ArmRequest): Promise<ArmResponse> {
  const name = req.path.names[0];
  const row = await roleAssignmentStore.get(req.server.database.db, idAt(requestScope(req), name));
  if (!row) throw new ArmError(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`);
  return { status: 200, body: serializeRoleAssignment(row), headers: etagHeader(assignmentVersion(row)) };
}

function requiredString(props: Record<string, unknown>, name: string): string {
  const v = props[name];
  if (typeof v !== 'string' || !v.trim()) throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: 'Required property '${name}' not found in JSON.'.`);
  return v.trim();
}

function optionalString(props: Record<string, unknown>, name: string): string | null {
  const v = props[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid: '${name}' must be a string.`);
  return v;
}

function roleDoesNotExist(roleGuid: string): ArmError {
  return new ArmError(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${roleGuid}' does not exist.`);
}

async function put(req: ArmRequest): Promise<ArmResponse> {
  const name = req.path.names[0];
  if (!GUID_PATTERN.test(name)) throw new ArmError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
  const scope = requestScope(req);
  const scopeKey = scope.toLowerCase();
  const body = objectBody(req.body);
  const props = body.properties;
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    throw new ArmError(400, 'InvalidRequestContent', "The request content was invalid and could not be deserialized: 'Required property 'properties' not found in JSON.'.");
  }
  const p = props as Record<string, unknown>;
  const roleDefinitionId = requiredString(p, 'roleDefinitionId');
  const principalId = requiredString(p, 'principalId').toLowerCase();
  const principalType = optionalString(p, 'principalType') ?? 'User';
  if (!PRINCIPAL_TYPES.some((t) => t.toLowerCase() === principalType.toLowerCase())) {
    throw new ArmError(400, 'InvalidPrincipalType', `The principal type '${principalType}' is not valid. Valid values are ${PRINCIPAL_TYPES.join(', ')}.`);
  }
  const description = optionalString(p, 'description');
  const condition = optionalString(p, 'condition');
  const conditionVersion = optionalString(p, 'conditionVersion') ?? (condition ? '2.0' : null);

  const roleGuid = roleGuidOf(roleDefinitionId);
  if (!/\/providers\/Microsoft\.Authorization\/roleDefinitions\/[^/]+$/i.test(roleDefinitionId) || !GUID_PATTERN.test(roleGuid)) {
    throw new ArmError(400, 'InvalidRoleDefinitionId', `The role definition ID '${roleDefinitionId}' is not valid.`);
  }
  const rbac = req.server.rbac;
  await rbac?.ensureFresh();
  const role = rbac?.role(roleGuid);
  if (!role) throw roleDoesNotExist(roleGuid);
  if (!role.assignableScopes.some((s) => scopeCovers(s.toLowerCase(), scopeKey))) {
    throw new ArmError(
      400,
      'RoleDefinitionNotAssignableAtScope',
      `The role definition '${roleGuid}' ('${role.roleName}') cannot be assigned at scope '${scope}': its assignable scopes are '${role.assignableScopes.join("','")}'.`,
    );
  }
  const db = req.server.database.db;
  if (req.path.scopeIsResource && !(await resourceStore.get(db, scopeKey))) {
    // An assignment on a resource needs the resource (the subscription and group were checked by dispatch).
    const segs = req.path.scopeSegments;
    throw armErrors.resourceNotFound(`${segs[5] ?? ''}/${segs.slice(6).filter((_, i) => i % 2 === 0).join('/')}/${segs[segs.length - 1]}`, req.path.resourceGroup ?? '');
  }
  const principal = await principalStore.byObjectId(db, principalId);
  if (!principal || principal.tenant_id !== req.server.tenantId) {
    throw new ArmError(
      400,
      'PrincipalNotFound',
      `Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${req.server.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
  }

  const id = idAt(scope, name.toLowerCase());
  for (let attempt = 1; ; attempt++) {
    // The check runs against the version the write replaces: a concurrent change makes the swap miss, and the next
    // attempt reads again (a stale If-Match then answers 412).
    const existing = await roleAssignmentStore.get(db, id);
    requirePreconditions(req, existing && assignmentVersion(existing));
    if (attempt > WRITE_ATTEMPTS) throw armErrors.concurrentWrite(name);
    if (existing) {
      if (existing.principal_id !== principalId || roleGuidOf(existing.role_definition_id) !== roleGuid) {
        throw new ArmError(409, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
      }
      const row = { ...existing, description, condition, condition_version: conditionVersion, changed_at: nextChangedAt(existing.changed_at), changed_by: req.principal.objectId };
      const updated = await db.transaction().execute(async (trx) => {
        if (!(await roleAssignmentStore.update(trx, row, existing.changed_at))) return false;
        await req.activity?.record(trx, { statusCode: 200 });
        return true;
      });
      if (!updated) continue;
      req.server.rbac?.markDirty();
      return { status: 200, body: serializeRoleAssignment(row), headers: etagHeader(assignmentVersion(row)) };
    }
    const elsewhere = await roleAssignmentStore.byName(db, name);
    // This very assignment, created since it was read: read again.
    if (elsewhere?.key === id.toLowerCase()) continue;
    if (elsewhere) throw new ArmError(409, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
    const now = new Date().toISOString();
    const row: RoleAssignmentRow = {
      key: id.toLowerCase(),
      id,
      name: name.toLowerCase(),
      scope,
      scope_key: scopeKey,
      role_definition_id: roleDefinitionIdAt(scope, roleGuid),
      principal_id: principalId,
      principal_type: PRINCIPAL_TYPES.find((t) => t.toLowerCase() === principalType.toLowerCase())!,
      description,
      condition,
      condition_version: conditionVersion,
      created_at: now,
      changed_at: now,
      created_by: req.principal.objectId,
      changed_by: req.principal.objectId,
    };
    try {
      await db.transaction().execute(async (trx) => {
        // A custom role deleted since the RBAC index was read (on this node or another) must not get an assignment: the
        // role is read again here, held until commit, so a concurrent delete either sees this assignment or went first.
        if (role.roleType === 'CustomRole' && !(await roleDefinitionStore.holdExisting(trx, roleGuid, req.server.database.dialect === 'postgres'))) {
          throw roleDoesNotExist(roleGuid);
        }
        const duplicate = await roleAssignmentStore.duplicate(trx, scopeKey, principalId, roleGuid);
        if (duplicate.length) {
          // This very id: a concurrent create of it won. Its conditions are checked against the winner, as a fresh read's would.
          const same = duplicate.find((d) => d.key === row.key);
          if (same) requirePreconditions(req, assignmentVersion(same));
          throw new ArmError(409, 'RoleAssignmentExists', `The role assignment already exists. The ID of the existing role assignment is ${duplicate[0].name.replace(/-/g, '')}.`);
        }
        await roleAssignmentStore.insert(trx, row);
        await req.activity?.record(trx, { statusCode: 201 });
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // A concurrent create of the same id won: its conditions are checked against it, as a fresh read's would.
      const winner = await roleAssignmentStore.get(db, id);
      if (!winner) continue;
      requirePreconditions(req, assignmentVersion(winner));
      throw new ArmError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
    }
    req.server.rbac?.markDirty();
    return { status: 201, body: serializeRoleAssignment(row), headers: etagHeader(assignmentVersion(row)) };
  }
}

async function del(req: ArmRequest): Promise<ArmResponse> {
  const db = req.server.database.db;
  const key = idAt(requestScope(req), req.path.names[0]);
  // Unconditional deletes keep their single attempt; a conditional one deletes only the version it checked.
  const conditional = hasPreconditions(req);
  for (let attempt = 1; ; attempt++) {
    const existing = await roleAssignmentStore.get(db, key);
    requirePreconditions(req, existing && assignmentVersion(existing));
    if (!existing) return { status: 204 };
    if (attempt > WRITE_ATTEMPTS) throw armErrors.concurrentWrite(req.path.names[0]);
    const deleted = await db.transaction().execute(async (trx) => {
      if (!(await roleAssignmentStore.delete(trx, existing.key, conditional ? existing.changed_at : undefined))) return false;
      await req.activity?.record(trx, { statusCode: 200 });
      return true;
    });
    req.server.rbac?.markDirty();
    if (deleted) return { status: 200, body: serializeRoleAssignment(existing) };
    if (!conditional) return { status: 204 };
  }
}

/**
 * Lists at a scope: without a filter, assignments at, above and below it; `atScope()` at or above;
 * `principalId eq '…'` that principal's at, above or below. The caller sees only what it may read.
 */
async function list(req: ArmRequest): Promise<ArmResponse> {
  const scopeKey = requestScope(req).toLowerCase();
  const { eq, functions } = parseFilter(req);
  const principalId = eq.get('principalid')?.toLowerCase();
  const assignedTo = eq.get('assignedto')?.toLowerCase();
  const atScope = functions.has('atscope()');
  const rows = (await roleAssignmentStore.all(req.server.database.db)).filter((r) => {
    const above = scopeCovers(r.scope_key, scopeKey);
    const below = scopeCovers(scopeKey, r.scope_key);
    if (atScope ? !above : !above && !below) return false;
    if (principalId !== undefined && r.principal_id !== principalId) return false;
    if (assignedTo !== undefined && r.principal_id !== assignedTo) return false;
    return true;
  });
  const rbac = req.server.rbac;
  // Assignments below the list's scope need read where they are (the caller's read at the scope covers the rest).
  const visible =
    rbac && rbac.mode === 'enforce'
      ? rows.filter((r) => scopeCovers(r.scope_key, scopeKey) || rbac.allows(req.principal.objectId, 'Microsoft.Authorization/roleAssignments/read', r.scope))
      : rows;
  return { status: 200, body: { value: visible.map(serializeRoleAssignment) } };
}

export const roleAssignments: ResourceTypeDef = {
  type: ROLE_ASSIGNMENT_TYPE,
  apiVersions: AUTHORIZATION_API_VERSIONS,
  apiVersionStyle: 'provider',
  scopes: ['any'],
  item: { GET: get, PUT: put, DELETE: del },
  collection: { GET: list },
};
