import { API_VERSIONS, arm, withApiVersion, type ArmPage } from '../../api/arm.js';
import { graph, type GraphList } from '../../api/graph.js';
import { memberFilters, memberOf, mergeMembers, type CheckAccessResult, type Member, type MemberKind, type RoleAssignment, type RoleDefinition } from './accessControl.js';

/** Calls the IAM pages make: Microsoft.Authorization at a scope, Graph for names, and Amity's checkAccess extension. */

const AUTH = 'providers/Microsoft.Authorization';
const at = (scope: string, rest: string) => `${scope === '/' ? '' : scope.replace(/\/+$/, '')}/${AUTH}/${rest}`;

async function allPages<T>(first: string, signal?: AbortSignal): Promise<T[]> {
  const all: T[] = [];
  let next: string | undefined = first;
  while (next) {
    const page: ArmPage<T> = await arm.get<ArmPage<T>>(next, { signal });
    all.push(...page.value);
    next = page.nextLink;
  }
  return all;
}

/** Assignments at the scope and above it (`atScope()`): what applies here, as the IAM blade lists them. */
export function listAssignments(scope: string, signal?: AbortSignal): Promise<RoleAssignment[]> {
  return allPages<RoleAssignment>(`${withApiVersion(at(scope, 'roleAssignments'), API_VERSIONS.authorization)}&$filter=${encodeURIComponent('atScope()')}`, signal);
}

/** The roles assignable at the scope (built-in and custom). */
export function listRoles(scope: string, signal?: AbortSignal): Promise<RoleDefinition[]> {
  return allPages<RoleDefinition>(withApiVersion(at(scope, 'roleDefinitions'), API_VERSIONS.authorization), signal);
}

export function createAssignment(scope: string, role: RoleDefinition, member: { id: string; kind: MemberKind }, description: string): Promise<RoleAssignment> {
  const name = crypto.randomUUID();
  return arm.put<RoleAssignment>(withApiVersion(at(scope, `roleAssignments/${name}`), API_VERSIONS.authorization), {
    properties: {
      roleDefinitionId: role.id,
      principalId: member.id,
      principalType: member.kind === 'User' ? 'User' : 'ServicePrincipal',
      ...(description.trim() ? { description: description.trim() } : {}),
    },
  });
}

export function deleteAssignment(assignmentId: string): Promise<unknown> {
  return arm.delete(withApiVersion(assignmentId, API_VERSIONS.authorization));
}

interface DirectoryObject {
  '@odata.type': string;
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  appId?: string | null;
  servicePrincipalType?: string | null;
  alternativeNames?: string[];
}

/** Names of principals by object id (`directoryObjects/getByIds`, 1000 at a time); unknown ids are absent from the map. */
export async function resolvePrincipals(ids: string[], signal?: AbortSignal): Promise<Map<string, Member>> {
  const unique = [...new Set(ids.map((i) => i.toLowerCase()))];
  const out = new Map<string, Member>();
  for (let i = 0; i < unique.length; i += 1000) {
    const res = await graph.post<GraphList<DirectoryObject>>('/v1.0/directoryObjects/getByIds', { ids: unique.slice(i, i + 1000), types: ['user', 'servicePrincipal'] }, { signal });
    for (const o of res.value) out.set(o.id.toLowerCase(), memberOf(o, o['@odata.type'].endsWith('user') ? 'user' : 'servicePrincipal'));
  }
  return out;
}

/** Users, service principals and managed identities whose name starts with the text (all of them, first ones, when empty). */
export async function searchMembers(text: string, signal?: AbortSignal): Promise<Member[]> {
  const f = memberFilters(text);
  const q = (filter: string) => (text.trim() ? `?$top=25&$filter=${encodeURIComponent(filter)}` : '?$top=25');
  const [users, sps] = await Promise.all([
    graph.get<GraphList<DirectoryObject>>(`/v1.0/users${q(f.users)}`, { signal }),
    graph.get<GraphList<DirectoryObject>>(`/v1.0/servicePrincipals${q(f.servicePrincipals)}`, { signal }),
  ]);
  return mergeMembers([users.value.map((u) => memberOf(u, 'user')), sps.value.map((s) => memberOf(s, 'servicePrincipal'))]);
}

export const CHECK_ACCESS_API_VERSION = '2026-01-01';

/** Amity's explanation extension: may the principal take the action at the scope, and which assignments decided it. */
export function checkAccess(principalId: string, action: string, scope: string): Promise<CheckAccessResult> {
  return arm.post<CheckAccessResult>(withApiVersion('/providers/Amity.Authorization/checkAccess', CHECK_ACCESS_API_VERSION), { principalId, action, scope });
}
