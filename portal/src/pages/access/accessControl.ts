/**
 * Access control (IAM) logic without React (tested in test/portal/accessControl.test.ts): how an assignment's scope
 * relates to the page's scope, role search, the Graph filters of the member picker, and what a member is.
 */

export interface RoleDefinition {
  id: string;
  name: string;
  properties: {
    roleName: string;
    description: string;
    type: string;
    permissions: { actions: string[]; notActions: string[]; dataActions?: string[]; notDataActions?: string[] }[];
    assignableScopes: string[];
  };
}

export interface RoleAssignment {
  id: string;
  name: string;
  properties: { roleDefinitionId: string; principalId: string; principalType: string; scope: string; description?: string | null; createdOn?: string };
}

/** A directory object the member picker shows: a user, a service principal, or a managed identity's service principal. */
export interface Member {
  id: string;
  displayName: string;
  /** The user principal name, an application id, or the identity's resource id: what tells two equal names apart. */
  detail: string;
  kind: MemberKind;
}
export type MemberKind = 'User' | 'ServicePrincipal' | 'ManagedIdentity';

export type ScopeRelation = 'this' | 'inherited' | 'child';

const norm = (scope: string) => (scope.replace(/\/+$/, '') || '/').toLowerCase();

/** Whether `outer` is `inner` or above it (ARM scopes are path prefixes, case-insensitively). */
export function scopeCovers(outer: string, inner: string): boolean {
  const o = norm(outer);
  const i = norm(inner);
  return o === '/' || o === i || i.startsWith(`${o}/`);
}

/** Where an assignment sits relative to the page's scope. */
export function scopeRelation(assignmentScope: string, pageScope: string): ScopeRelation {
  if (norm(assignmentScope) === norm(pageScope)) return 'this';
  return scopeCovers(assignmentScope, pageScope) ? 'inherited' : 'child';
}

export type ScopeKind = 'Root' | 'Subscription' | 'Resource group' | 'Resource';

export function scopeKind(scope: string): ScopeKind {
  const segs = scope.split('/').filter(Boolean);
  if (segs.length === 0) return 'Root';
  if (segs.length <= 2) return 'Subscription';
  if (segs.length <= 4) return 'Resource group';
  return 'Resource';
}

/** The Scope column as Azure words it: "This resource", or "<Kind> (Inherited)", or "<Kind> (Child)". */
export function scopeLabel(assignmentScope: string, pageScope: string): string {
  const rel = scopeRelation(assignmentScope, pageScope);
  if (rel === 'this') return 'This resource';
  return `${scopeKind(assignmentScope)} (${rel === 'inherited' ? 'Inherited' : 'Child'})`;
}

/** The last name in a scope, for display ("rg-a" for a group, the subscription id, "Root" for /). */
export function scopeName(scope: string): string {
  const segs = scope.split('/').filter(Boolean);
  return segs.length ? decodeURIComponent(segs[segs.length - 1]) : 'Root';
}

/** The GUID at the end of a role definition id. */
export function roleGuidOf(roleDefinitionId: string): string {
  return (roleDefinitionId.split('/').pop() ?? '').toLowerCase();
}

/**
 * Roles matching a search (every word in the name or the description, case-insensitively), the ones whose name
 * matches first; then job-function roles before the privileged ones (Owner, Contributor, User Access Administrator,
 * Role Based Access Control Administrator), as Azure's list does; then by name.
 */
export const PRIVILEGED_ROLES = ['Owner', 'Contributor', 'User Access Administrator', 'Role Based Access Control Administrator'];

export function searchRoles(roles: readonly RoleDefinition[], query: string): RoleDefinition[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const score = (r: RoleDefinition): number | undefined => {
    const name = r.properties.roleName.toLowerCase();
    const text = `${name} ${r.properties.description.toLowerCase()}`;
    if (!words.every((w) => text.includes(w))) return undefined;
    if (words.length && name === words.join(' ')) return 0;
    return words.every((w) => name.includes(w)) ? 1 : 2;
  };
  return roles
    .map((r) => ({ r, s: score(r) }))
    .filter((x): x is { r: RoleDefinition; s: number } => x.s !== undefined)
    .sort(
      (a, b) =>
        a.s - b.s ||
        Number(PRIVILEGED_ROLES.includes(a.r.properties.roleName)) - Number(PRIVILEGED_ROLES.includes(b.r.properties.roleName)) ||
        a.r.properties.roleName.localeCompare(b.r.properties.roleName),
    )
    .map((x) => x.r);
}

/** OData string literal content: a quote is doubled. */
export function odataString(value: string): string {
  return value.replace(/'/g, "''");
}

/** Graph `$filter`s for the member picker: users and service principals whose name (or UPN) starts with the text. */
export function memberFilters(text: string): { users: string; servicePrincipals: string } {
  const q = odataString(text.trim());
  return {
    users: `startswith(displayName,'${q}') or startswith(userPrincipalName,'${q}')`,
    servicePrincipals: `startswith(displayName,'${q}')`,
  };
}

/** A Graph user or service principal as a Member. */
export function memberOf(o: { id: string; displayName?: string | null; userPrincipalName?: string | null; appId?: string | null; servicePrincipalType?: string | null; alternativeNames?: string[] }, type: 'user' | 'servicePrincipal'): Member {
  if (type === 'user') return { id: o.id, displayName: o.displayName || o.userPrincipalName || o.id, detail: o.userPrincipalName ?? '', kind: 'User' };
  const managed = o.servicePrincipalType === 'ManagedIdentity';
  const resourceId = o.alternativeNames?.find((n) => n.startsWith('/'));
  return { id: o.id, displayName: o.displayName || o.appId || o.id, detail: managed ? (resourceId ?? o.appId ?? '') : (o.appId ?? ''), kind: managed ? 'ManagedIdentity' : 'ServicePrincipal' };
}

/** What ARM's `principalType` is for a member (a managed identity is a service principal). */
export function principalTypeOf(kind: MemberKind): 'User' | 'ServicePrincipal' {
  return kind === 'User' ? 'User' : 'ServicePrincipal';
}

export const MEMBER_KIND_LABELS: Record<MemberKind, string> = { User: 'User', ServicePrincipal: 'Service principal', ManagedIdentity: 'Managed identity' };

/** The picker's results: de-duplicated, sorted by name, limited. */
export function mergeMembers(lists: readonly Member[][], limit = 50): Member[] {
  const seen = new Set<string>();
  const out: Member[] = [];
  for (const m of lists.flat()) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    out.push(m);
  }
  return out.sort((a, b) => a.displayName.localeCompare(b.displayName)).slice(0, limit);
}

/**
 * Actions to suggest in "Check access" for a scope: reading and writing what lives there. Any action can be typed;
 * these are the ones the pages deal with.
 */
export function suggestedActions(scope: string): string[] {
  const lower = scope.toLowerCase();
  const identity = lower.includes('/providers/microsoft.managedidentity/userassignedidentities/');
  const base = identity
    ? [
        'Microsoft.ManagedIdentity/userAssignedIdentities/read',
        'Microsoft.ManagedIdentity/userAssignedIdentities/write',
        'Microsoft.ManagedIdentity/userAssignedIdentities/delete',
        'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action',
        'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
      ]
    : [
        'Microsoft.ManagedIdentity/userAssignedIdentities/read',
        'Microsoft.ManagedIdentity/userAssignedIdentities/write',
        'Microsoft.ManagedIdentity/userAssignedIdentities/delete',
        'Microsoft.Resources/subscriptions/resourceGroups/read',
        'Microsoft.Resources/subscriptions/resourceGroups/write',
      ];
  return [...base, 'Microsoft.Authorization/roleAssignments/read', 'Microsoft.Authorization/roleAssignments/write'];
}

/** What the checkAccess extension answers (POST /providers/Amity.Authorization/checkAccess). */
export interface CheckAccessResult {
  allowed: boolean;
  reason: string;
  decidingAssignments: { id: string; roleDefinitionId: string; roleName: string | null; scope: string }[];
  consideredAssignments?: { id: string; roleDefinitionId: string; roleName: string | null; scope: string }[];
}

/**
 * The portal page where a scope's own assignments are managed (its IAM tab): inherited assignments are removed
 * there, as in Azure, not from a child scope. Undefined for the root and for resources without a page.
 */
export function iamPathOf(scope: string): string | undefined {
  const segs = scope.split('/').filter(Boolean);
  if (segs.length === 2 && segs[0].toLowerCase() === 'subscriptions') return `/subscriptions/${segs[1]}?tab=iam`;
  if (segs.length === 4 && segs[2].toLowerCase() === 'resourcegroups') return `/subscriptions/${segs[1]}/resourcegroups/${segs[3]}?tab=iam`;
  if (/\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+$/i.test(scope)) return `/resource${scope}?tab=iam`;
  return undefined;
}
