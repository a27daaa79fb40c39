import { addResourceGroups, fieldsOf, pythonIso } from '../shared/azTransform.js';

/**
 * az 2.45's output models for Microsoft.Authorization (its SDK profile: role definitions 2018-01-01-preview,
 * role assignments 2020-04-01-preview), both flattened: `properties.*` at the top, every field present.
 */

const PERMISSION_FIELDS = ['actions', 'notActions', 'dataActions', 'notDataActions'] as const;

export function roleDefinitionView(body: unknown): Record<string, unknown> {
  const b = (body ?? {}) as Record<string, unknown>;
  const p = (b.properties ?? {}) as Record<string, unknown>;
  return addResourceGroups({
    id: b.id ?? null,
    name: b.name ?? null,
    type: b.type ?? null,
    roleName: p.roleName ?? null,
    description: p.description ?? null,
    roleType: p.type ?? null,
    permissions: Array.isArray(p.permissions) ? p.permissions.map((x) => fieldsOf(x, PERMISSION_FIELDS)) : null,
    assignableScopes: p.assignableScopes ?? null,
  });
}

const ASSIGNMENT_PROPERTY_FIELDS = [
  'scope',
  'roleDefinitionId',
  'principalId',
  'principalType',
  'canDelegate',
  'description',
  'condition',
  'conditionVersion',
  'createdOn',
  'updatedOn',
  'createdBy',
  'updatedBy',
  'delegatedManagedIdentityResourceId',
] as const;

export function roleAssignmentView(body: unknown): Record<string, unknown> {
  const b = (body ?? {}) as Record<string, unknown>;
  const p = fieldsOf(b.properties, ASSIGNMENT_PROPERTY_FIELDS);
  p.createdOn = pythonIso(p.createdOn);
  p.updatedOn = pythonIso(p.updatedOn);
  return addResourceGroups({ id: b.id ?? null, name: b.name ?? null, type: b.type ?? null, ...p });
}

/** The GUID at the end of a role definition id (or the GUID itself), lower-case, for comparisons. */
export function roleGuidOf(roleDefinitionId: unknown): string {
  return typeof roleDefinitionId === 'string' ? (roleDefinitionId.split('/').pop() ?? '').toLowerCase() : '';
}
