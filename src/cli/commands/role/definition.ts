import crypto from 'node:crypto';
import { Option } from 'commander';
import { groupCommand, leafCommand, onRun } from '../../runtime/commandKit.js';
import type { CliContext } from '../../runtime/context.js';
import { CliError, UsageError } from '../../runtime/errors.js';
import { API } from '../shared/apiVersions.js';
import { GUID, readJsonArgument } from '../shared/jsonArg.js';
import { roleDefinitionView } from './shapes.js';
import { groupOption, listRoleDefinitions, roleScope, scopeOption, scopePrefix, type RoleDefinitionBody } from './scope.js';

interface ScopeOptions {
  resourceGroup?: string;
  scope?: string;
}

const definitionPath = (scope: string, guid: string) => `${scopePrefix(scope)}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

/** az's `_search_role_definitions`: the roles at the scope whose GUID or role name is `name` (exactly, as az compares). */
async function searchDefinitions(ctx: CliContext, scope: string, name: string | undefined, customOnly = false): Promise<RoleDefinitionBody[]> {
  let roles = await listRoleDefinitions(ctx, scope);
  if (name) roles = roles.filter((r) => r.name === name || r.properties.roleName === name);
  if (customOnly) roles = roles.filter((r) => r.properties.type === 'CustomRole');
  return roles;
}

/** az accepts `Name`, `AssignableScopes`, …: property names are camel-cased first, as az does. */
function camelCased(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new CliError('Invalid role definition. A valid dictionary JSON representation is expected.');
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]));
}

/** The permissions block: the `permissions` list, or one permission from top-level actions/notActions/… (az's two forms). */
function permissionsOf(def: Record<string, unknown>): Record<string, unknown>[] {
  const one = (cfg: Record<string, unknown>) => Object.fromEntries(['actions', 'notActions', 'dataActions', 'notDataActions'].filter((k) => cfg[k] !== undefined && cfg[k] !== null).map((k) => [k, cfg[k]]));
  if (Array.isArray(def.permissions)) return def.permissions.map((p) => one(camelCased(p)));
  return [one(def)];
}

async function putDefinition(ctx: CliContext, guid: string, roleName: string, def: Record<string, unknown>): Promise<unknown> {
  const assignableScopes = def.assignableScopes as string[];
  const body = { properties: { roleName, description: def.description ?? undefined, type: 'CustomRole', assignableScopes, permissions: permissionsOf(def) } };
  const reply = await ctx.arm().call('PUT', definitionPath(assignableScopes[0], guid), { apiVersion: API.roleDefinitions, body });
  return roleDefinitionView(reply.body);
}

const roleDefinitionOption = () => new Option('--role-definition <json>', "Description of a role as JSON, or a path to a file containing a JSON description (also '@file').").makeOptionMandatory();

export function roleDefinitionCommand() {
  const list = onRun<ScopeOptions & { name?: string; customRoleOnly?: boolean }>(
    leafCommand('list', 'List role definitions.')
      .option('-n, --name <name>', "A role's name (or GUID).")
      .option('--custom-role-only', 'Custom roles only (vs. build-in ones).')
      .addOption(scopeOption())
      .addOption(groupOption()),
    async (ctx, o) => (await searchDefinitions(ctx, roleScope(ctx, o.resourceGroup, o.scope), o.name, o.customRoleOnly)).map(roleDefinitionView),
    { table: (rows) => (rows as Record<string, unknown>[]).map((r) => ({ Name: r.roleName, Type: r.roleType, Description: r.description })) },
  );

  const show = onRun<ScopeOptions & { name: string }>(
    leafCommand('show', 'Show a role definition by role name or GUID (beyond az).').addOption(new Option('-n, --name <name>', "The role's name or GUID.").makeOptionMandatory()).addOption(scopeOption()).addOption(groupOption()),
    async (ctx, o) => {
      const scope = roleScope(ctx, o.resourceGroup, o.scope);
      if (GUID.test(o.name)) return roleDefinitionView((await ctx.arm().call('GET', definitionPath(scope, o.name), { apiVersion: API.roleDefinitions })).body);
      const found = await searchDefinitions(ctx, scope, o.name);
      if (!found.length) throw new CliError(`Role definition '${o.name}' doesn't exist at scope '${scope}'.`);
      return roleDefinitionView(found[0]);
    },
  );

  const create = onRun<{ roleDefinition: string }>(leafCommand('create', 'Create a custom role definition.').addOption(roleDefinitionOption()), async (ctx, o) => {
    const def = camelCased(readJsonArgument(o.roleDefinition, '--role-definition'));
    const roleName = def.name ?? def.roleName;
    if (typeof roleName !== 'string' || !roleName) throw new CliError('please provide role name');
    if (!Array.isArray(def.assignableScopes) || def.assignableScopes.length === 0) throw new CliError("please provide 'assignableScopes'");
    return putDefinition(ctx, crypto.randomUUID(), roleName, def);
  });

  const update = onRun<{ roleDefinition: string }>(leafCommand('update', 'Update a role definition.').addOption(roleDefinitionOption()), async (ctx, o) => {
    const def = camelCased(readJsonArgument(o.roleDefinition, '--role-definition'));
    let guid: string;
    let roleName: string;
    const scopes = Array.isArray(def.assignableScopes) && def.assignableScopes.length ? (def.assignableScopes as string[]) : [`/subscriptions/${ctx.subscriptionId}`];
    if (typeof def.id === 'string' && def.id) {
      guid = def.id.split('/').pop()!;
      if (typeof def.roleName !== 'string') throw new UsageError("--role-definition: 'roleName' is required with 'id'");
      roleName = def.roleName;
    } else {
      ctx.warn('Role "id" is missing. Look for the role in the current subscription...');
      if (typeof def.name !== 'string') throw new UsageError("--role-definition: give the role's 'id', or its 'name'");
      const matched = (await Promise.all(scopes.map((s) => searchDefinitions(ctx, s, def.name as string)))).find((m) => m.length) ?? [];
      if (matched.length > 1) throw new CliError(`More than 2 definitions are found with the name of "${def.name}"`);
      if (!matched.length) throw new CliError(`No definition was found with the name of "${def.name}"`);
      guid = matched[0].name;
      roleName = matched[0].properties.roleName;
    }
    return putDefinition(ctx, guid, roleName, { ...def, assignableScopes: scopes });
  });

  const del = onRun<ScopeOptions & { name: string; customRoleOnly?: boolean }>(
    leafCommand('delete', 'Delete a role definition.')
      .addOption(new Option('-n, --name <name>', "The role's name or GUID.").makeOptionMandatory())
      .option('--custom-role-only', 'Custom roles only (vs. build-in ones).')
      .addOption(scopeOption())
      .addOption(groupOption()),
    async (ctx, o) => {
      const scope = roleScope(ctx, o.resourceGroup, o.scope);
      for (const r of await searchDefinitions(ctx, scope, o.name, o.customRoleOnly)) await ctx.arm().call('DELETE', definitionPath(scope, r.name), { apiVersion: API.roleDefinitions });
      return undefined;
    },
  );

  return groupCommand('definition', 'Manage role definitions.', [list, show, create, update, del]);
}
