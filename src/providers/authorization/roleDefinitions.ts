import { ArmError, armErrors } from '../../arm/errors.js';
import { objectBody } from '../../arm/body.js';
import { GUID_PATTERN } from '../../arm/path.js';
import { etagHeader, hasPreconditions, requirePreconditions, versionEtag } from '../../arm/preconditions.js';
import { isUniqueViolation, WRITE_ATTEMPTS } from '../../arm/trackedResource.js';
import type { ArmRequest, ArmResponse, ResourceTypeDef } from '../../arm/types.js';
import { requireAction } from '../../rbac/authorize.js';
import type { Permission, RoleDefinition } from '../../rbac/builtInRoles.js';
import { BUILT_IN_BY_ID, BUILT_IN_ROLES } from '../../rbac/builtInRoles.js';
import { customRoleOf, scopeCovers } from '../../rbac/evaluator.js';
import { roleAssignmentStore } from '../../store/roleAssignments.js';
import { nextChangedAt } from '../../store/changeStamp.js';
import { roleDefinitionStore } from '../../store/roleDefinitions.js';
import { subscriptionStore } from '../../store/subscriptions.js';
import { AUTHORIZATION_API_VERSIONS, parseFilter, requestScope } from './common.js';

export const ROLE_DEFINITION_TYPE = 'Microsoft.Authorization/roleDefinitions';

/** A role definition's id as Azure writes it at a scope: built-in roles appear under the subscription asked about, or at the root. */
export function roleDefinitionIdAt(scope: string, guid: string): string {
  const sub = /^\/subscriptions\/[^/]+/i.exec(scope)?.[0];
  return `${sub ?? ''}/providers/${ROLE_DEFINITION_TYPE}/${guid}`;
}

export function serializeRoleDefinition(role: RoleDefinition, scope: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    roleName: role.roleName,
    type: role.roleType,
    description: role.description,
    assignableScopes: role.assignableScopes,
    permissions: role.permissions,
    createdOn: role.createdOn ?? '2015-02-02T21:55:09.8806423Z',
    updatedOn: role.updatedOn ?? '2021-11-11T20:13:47.8628684Z',
    createdBy: role.createdBy ?? null,
    updatedBy: role.updatedBy ?? null,
  };
  return { id: roleDefinitionIdAt(role.scope ?? scope, role.id), type: ROLE_DEFINITION_TYPE, name: role.id, properties };
}

/** Role definitions have no etag column: the version is derived from the last change; built-in roles never change. */
const roleVersion = (id: string, changedAt: string | undefined) => versionEtag(id, changedAt ?? 'built-in');

function notFound(guid: string): ArmError {
  return new ArmError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${guid}' does not exist.`);
}

async function get(req: ArmRequest): Promise<ArmResponse> {
  const guid = req.path.names[0];
  await req.server.rbac?.ensureFresh();
  const role = BUILT_IN_BY_ID.get(guid.toLowerCase()) ?? req.server.rbac?.role(guid);
  if (!role) throw notFound(guid);
  return { status: 200, body: serializeRoleDefinition(role, requestScope(req)), headers: etagHeader(roleVersion(role.id, role.updatedOn)) };
}

/** Roles usable at the scope: every built-in role, and custom roles assignable at, above or below it. */
async function list(req: ArmRequest): Promise<ArmResponse> {
  const scope = requestScope(req);
  const scopeKey = scope.toLowerCase();
  const { eq, functions } = parseFilter(req);
  await req.server.rbac?.ensureFresh();
  const custom = (req.server.rbac?.customRoleList() ?? []).filter((r) =>
    r.assignableScopes.some((s) => scopeCovers(s.toLowerCase(), scopeKey) || (functions.has('atscopeandbelow()') && scopeCovers(scopeKey, s.toLowerCase()))),
  );
  let roles = [...BUILT_IN_ROLES, ...custom];
  const roleName = eq.get('rolename');
  if (roleName !== undefined) roles = roles.filter((r) => r.roleName.toLowerCase() === roleName.toLowerCase());
  const type = eq.get('type');
  if (type !== undefined) roles = roles.filter((r) => r.roleType.toLowerCase() === type.toLowerCase());
  return { status: 200, body: { value: roles.map((r) => serializeRoleDefinition(r, scope)) } };
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ArmError(400, 'InvalidRoleDefinition', `The property '${name}' must be an array of strings.`);
  }
  return value as string[];
}

/** Custom roles: created at a subscription (or below), assignable at the subscriptions and groups they list. */
async function put(req: ArmRequest): Promise<ArmResponse> {
  const guid = req.path.names[0].toLowerCase();
  if (BUILT_IN_BY_ID.has(guid)) throw builtInReadOnly(guid);
  if (!GUID_PATTERN.test(guid)) throw new ArmError(400, 'InvalidRoleDefinitionId', `The role definition ID '${req.path.names[0]}' is not valid. The role definition ID must be a GUID.`);
  const scope = requestScope(req);
  if (!req.path.subscriptionId) {
    throw new ArmError(400, 'InvalidCreateRoleDefinitionRequest', 'Custom role definitions can be created at a subscription or resource group scope only.');
  }
  const body = objectBody(req.body);
  const props = (body.properties ?? {}) as Record<string, unknown>;
  if (typeof props !== 'object' || Array.isArray(props)) throw new ArmError(400, 'InvalidRoleDefinition', "The property 'properties' must be an object.");
  const roleName = typeof props.roleName === 'string' ? props.roleName.trim() : '';
  if (!roleName) throw new ArmError(400, 'RoleDefinitionNameNullOrEmpty', 'The role definition name cannot be null or empty.');
  const rawPermissions = props.permissions ?? [];
  if (!Array.isArray(rawPermissions)) throw new ArmError(400, 'InvalidRoleDefinition', "The property 'permissions' must be an array.");
  const permissions: Permission[] = rawPermissions.map((p) => {
    const o = (p ?? {}) as Record<string, unknown>;
    return {
      actions: stringList(o.actions, 'actions'),
      notActions: stringList(o.notActions, 'notActions'),
      dataActions: stringList(o.dataActions, 'dataActions'),
      notDataActions: stringList(o.notDataActions, 'notDataActions'),
    };
  });
  const assignableScopes = stringList(props.assignableScopes, 'assignableScopes').map((s) => s.replace(/\/+$/, '') || '/');
  if (!assignableScopes.length) throw new ArmError(400, 'MissingAssignableScopes', 'Role definition must have at least one assignable scope.');
  for (const s of assignableScopes) {
    const sub = /^\/subscriptions\/([^/]+)(\/resourceGroups\/[^/]+)?$/i.exec(s);
    const row = sub ? await subscriptionStore.get(req.server.database.db, sub[1]) : undefined;
    if (!sub || !row || row.tenant_id !== req.server.tenantId) {
      throw new ArmError(400, 'InvalidAssignableScope', `The assignable scope '${s}' is not valid. Assignable scopes must be subscriptions or resource groups of this directory.`);
    }
    // Writing a role that can be assigned somewhere needs the right to write role definitions there.
    await requireAction(req.server, req.principal, 'Microsoft.Authorization/roleDefinitions/write', s);
  }
  const db = req.server.database.db;
  const description = typeof props.description === 'string' ? props.description : '';
  for (let attempt = 1; ; attempt++) {
    // The check runs against the version the write replaces: a concurrent change makes the swap miss, and the next
    // attempt reads again (a stale If-Match then answers 412).
    const existing = await roleDefinitionStore.get(db, guid);
    requirePreconditions(req, existing && roleVersion(existing.id, existing.changed_at));
    if (attempt > WRITE_ATTEMPTS) throw armErrors.concurrentWrite(guid);
    const sameName = await roleDefinitionStore.byName(db, roleName);
    if ((sameName && sameName.id !== guid) || BUILT_IN_ROLES.some((r) => r.roleName.toLowerCase() === roleName.toLowerCase())) {
      throw new ArmError(409, 'RoleDefinitionWithSameNameExists', 'A custom role with the same name already exists in this directory. Use a different name.');
    }
    const now = nextChangedAt(existing?.changed_at);
    const row = {
      id: guid,
      scope_key: (existing?.scope ?? scope).toLowerCase(),
      scope: existing?.scope ?? scope,
      role_name: roleName,
      role_name_key: roleName.toLowerCase(),
      description,
      permissions: JSON.stringify(permissions),
      assignable_scopes: JSON.stringify(assignableScopes),
      created_at: existing?.created_at ?? now,
      changed_at: now,
      created_by: existing?.created_by ?? req.principal.objectId,
      changed_by: req.principal.objectId,
    };
    let written: boolean;
    try {
      written = await db.transaction().execute(async (trx) => {
        if (!existing) await roleDefinitionStore.insert(trx, row);
        else if (!(await roleDefinitionStore.update(trx, row, existing.changed_at))) return false;
        // Azure answers 201 to every role definition PUT, update included (its SDKs accept nothing else).
        await req.activity?.record(trx, { statusCode: 201 });
        return true;
      });
    } catch (e) {
      // A concurrent create of the same id won the race (read again and update it), or a concurrent write took the
      // name (the next attempt's name check answers RoleDefinitionWithSameNameExists).
      if (isUniqueViolation(e)) continue;
      throw e;
    }
    if (!written) continue;
    req.server.rbac?.markDirty();
    const role: RoleDefinition = {
      id: guid,
      roleName,
      description,
      roleType: 'CustomRole',
      permissions,
      assignableScopes,
      scope: row.scope,
      createdOn: row.created_at,
      updatedOn: now,
      createdBy: row.created_by,
      updatedBy: row.changed_by,
    };
    return { status: 201, body: serializeRoleDefinition(role, row.scope), headers: etagHeader(roleVersion(guid, now)) };
  }
}

function builtInReadOnly(guid: string): ArmError {
  return new ArmError(403, 'BuiltInRoleCannotBeModified', `The role definition '${guid}' is a built-in role. Built-in roles cannot be created, updated or deleted.`);
}

async function del(req: ArmRequest): Promise<ArmResponse> {
  const guid = req.path.names[0].toLowerCase();
  if (BUILT_IN_BY_ID.has(guid)) throw builtInReadOnly(guid);
  const db = req.server.database.db;
  // Unconditional deletes keep their single attempt; a conditional one deletes only the version it checked.
  const conditional = hasPreconditions(req);
  for (let attempt = 1; ; attempt++) {
    const existing = await roleDefinitionStore.get(db, guid);
    requirePreconditions(req, existing && roleVersion(existing.id, existing.changed_at));
    if (!existing) return { status: 204 };
    if (attempt > WRITE_ATTEMPTS) throw armErrors.concurrentWrite(guid);
    const deleted = await db.transaction().execute(async (trx) => {
      if (!(await roleDefinitionStore.delete(trx, guid, conditional ? existing.changed_at : undefined))) return false;
      // Counted after the delete, in its transaction: on PostgreSQL the delete waited for assignments being created
      // with the role (they hold it, roleAssignments.ts), so those are counted too; a refusal rolls the delete back.
      if ((await roleAssignmentStore.countForRole(trx, guid)) > 0) {
        throw new ArmError(409, 'RoleDefinitionHasAssignments', 'There are existing role assignments referencing role (code: RoleDefinitionHasAssignments).');
      }
      await req.activity?.record(trx, { statusCode: 200 });
      return true;
    });
    req.server.rbac?.markDirty();
    if (deleted) return { status: 200, body: serializeRoleDefinition(customRoleOf(existing), existing.scope) };
    if (!conditional) return { status: 204 };
  }
}

export const roleDefinitions: ResourceTypeDef = {
  type: ROLE_DEFINITION_TYPE,
  apiVersions: AUTHORIZATION_API_VERSIONS,
  apiVersionStyle: 'provider',
  scopes: ['any'],
  item: { GET: get, PUT: put, DELETE: del },
  collection: { GET: list },
};
