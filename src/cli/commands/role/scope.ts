import { Option } from 'commander';
import type { CliContext } from '../../runtime/context.js';
import { CliError, UsageError } from '../../runtime/errors.js';
import { API } from '../shared/apiVersions.js';
import { GUID } from '../shared/jsonArg.js';

export const scopeOption = () => new Option('--scope <scope>', 'Scope at which the role assignment or definition applies to, e.g., /subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/myGroup.');
export const groupOption = () => new Option('-g, --resource-group <name>', 'Use it only if the role or assignment was added at the level of a resource group.');

/** az's `_build_role_scope`: `--scope`, else the group's, else the subscription's. */
export function roleScope(ctx: CliContext, resourceGroup: string | undefined, scope: string | undefined): string {
  if (scope) {
    if (resourceGroup) throw new CliError(`Resource group "${resourceGroup}" is redundant because scope is supplied`);
    if (!scope.startsWith('/')) throw new UsageError('Invalid scope. Please use --help to view the valid format.');
    return scope.replace(/\/+$/, '') || '/';
  }
  const subscription = `/subscriptions/${ctx.subscriptionId}`;
  return resourceGroup ? `${subscription}/resourceGroups/${resourceGroup}` : subscription;
}

/** Path prefix for `{scope}/providers/Microsoft.Authorization/...` (the root scope is `/`). */
export function scopePrefix(scope: string): string {
  return scope === '/' ? '' : scope;
}

export interface RoleDefinitionBody {
  id: string;
  name: string;
  properties: { roleName: string; type: string };
}

/** Role definitions usable at a scope (built-in and custom), optionally filtered by name on the server. */
export async function listRoleDefinitions(ctx: CliContext, scope: string, roleName?: string): Promise<RoleDefinitionBody[]> {
  const filter = roleName === undefined ? undefined : `roleName eq '${roleName}'`;
  return (await ctx.arm().listAll(`${scopePrefix(scope)}/providers/Microsoft.Authorization/roleDefinitions`, { apiVersion: API.roleDefinitions, query: { $filter: filter } })) as RoleDefinitionBody[];
}

/** az's `_resolve_role_id`: a full role definition id as given, a GUID under the subscription, else a lookup by name. */
export async function resolveRoleId(ctx: CliContext, role: string, scope: string): Promise<string> {
  if (/^\/subscriptions\/.+\/providers\/Microsoft.Authorization\/roleDefinitions\//i.test(role)) return role;
  if (GUID.test(role)) return `/subscriptions/${ctx.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
  const found = await listRoleDefinitions(ctx, scope, role);
  if (found.length === 0) throw new CliError(`Role '${role}' doesn't exist.`);
  if (found.length > 1) throw new CliError(`More than one role matches the given name '${role}'. Please pick a value from '${JSON.stringify(found.map((r) => r.id))}'`);
  return found[0].id;
}
