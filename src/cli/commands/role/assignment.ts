import crypto from 'node:crypto';
import { Option } from 'commander';
import { groupCommand, leafCommand, onRun } from '../../runtime/commandKit.js';
import type { CliContext } from '../../runtime/context.js';
import { CliError, ServiceError, UsageError } from '../../runtime/errors.js';
import { API } from '../shared/apiVersions.js';
import { displayableName, objectStubs, principalTypeOf, resolveAssignee } from './assignee.js';
import { listRoleDefinitions, resolveRoleId, roleScope, groupOption, scopeOption, scopePrefix } from './scope.js';
import { roleAssignmentView, roleGuidOf } from './shapes.js';

const PRINCIPAL_TYPES = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'];

interface RawAssignment {
  id: string;
  properties: { scope: string; roleDefinitionId: string; principalId: string };
}

const assignmentsPath = (scope: string) => `${scopePrefix(scope)}/providers/Microsoft.Authorization/roleAssignments`;

/**
 * az's `_search_role_assignments`: at a scope (atScope(), then only those exactly there unless inherited ones are
 * wanted), or across the subscription (by principal when one is given), then by role and by principal.
 */
async function searchAssignments(ctx: CliContext, scope: string | undefined, principalId: string | undefined, role: string | undefined, includeInherited: boolean): Promise<RawAssignment[]> {
  const arm = ctx.arm();
  let items: RawAssignment[];
  if (scope) items = (await arm.listAll(assignmentsPath(scope), { apiVersion: API.roleAssignments, query: { $filter: 'atScope()' } })) as RawAssignment[];
  else {
    const filter = principalId ? `principalId eq '${principalId}'` : undefined;
    items = (await arm.listAll(assignmentsPath(`/subscriptions/${ctx.subscriptionId}`), { apiVersion: API.roleAssignments, query: { $filter: filter } })) as RawAssignment[];
  }
  if (scope) {
    const wanted = scope.toLowerCase();
    items = items.filter((a) => {
      const at = a.properties.scope.toLowerCase();
      return at === wanted || (includeInherited && wanted.startsWith(at === '/' ? '' : at));
    });
  }
  if (role) {
    const guid = roleGuidOf(await resolveRoleId(ctx, role, scope ?? `/subscriptions/${ctx.subscriptionId}`));
    items = items.filter((a) => roleGuidOf(a.properties.roleDefinitionId) === guid);
  }
  if (principalId) items = items.filter((a) => a.properties.principalId.toLowerCase() === principalId.toLowerCase());
  return items;
}

/** az's list output: each assignment with roleDefinitionName and principalName filled in (a Graph failure leaves names out). */
async function withNames(ctx: CliContext, items: RawAssignment[], scope: string | undefined): Promise<Record<string, unknown>[]> {
  const results = items.map(roleAssignmentView);
  if (!results.length) return [];
  const roles = await listRoleDefinitions(ctx, scope ?? `/subscriptions/${ctx.subscriptionId}`);
  const roleNames = new Map(roles.map((r) => [r.name.toLowerCase(), r.properties.roleName]));
  for (const r of results) r.roleDefinitionName = roleNames.get(roleGuidOf(r.roleDefinitionId)) ?? null;
  const ids = [...new Set(results.map((r) => String(r.principalId ?? '')).filter(Boolean))];
  if (ids.length) {
    try {
      const names = new Map((await objectStubs(ctx, ids)).map((o) => [String(o.id).toLowerCase(), displayableName(o)]));
      for (const r of results) r.principalName = names.get(String(r.principalId).toLowerCase()) ?? '';
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      ctx.info(`Failed to resolve graph object information per error '${e.message}'`);
    }
  }
  return results;
}

interface ScopeOptions {
  resourceGroup?: string;
  scope?: string;
}

export function roleAssignmentCommand() {
  const create = onRun<
    ScopeOptions & { role: string; assignee?: string; assigneeObjectId?: string; assigneePrincipalType?: string; description?: string; condition?: string; conditionVersion?: string; name?: string }
  >(
    leafCommand('create', 'Create a new role assignment for a user, group, or service principal.')
      .addOption(new Option('--role <role>', 'Role name or id.').makeOptionMandatory())
      .option('--assignee <assignee>', 'Represent a user or service principal. Supported format: object id, user sign-in name, or service principal name (appId), or (beyond az) a service principal display name.')
      .option('--assignee-object-id <id>', "Use this parameter instead of '--assignee' to bypass Graph API invocation. Object id of the principal.")
      .addOption(new Option('--assignee-principal-type <type>', 'Use with --assignee-object-id to avoid errors caused by propagation latency in Graph.').choices(PRINCIPAL_TYPES))
      .addOption(scopeOption())
      .addOption(groupOption())
      .option('--description <text>', 'Description of the role assignment.')
      .option('--condition <condition>', 'Condition under which the user can be granted permission.')
      .option('--condition-version <version>', 'Version of the condition syntax.')
      .option('--name <guid>', 'A GUID for the role assignment. It must be unique and different for each role assignment.'),
    async (ctx, o) => {
      if (Boolean(o.assignee) === Boolean(o.assigneeObjectId)) throw new UsageError('usage error: --assignee STRING | --assignee-object-id GUID');
      if (o.assigneePrincipalType && !o.assigneeObjectId) throw new UsageError('usage error: --assignee-object-id GUID --assignee-principal-type TYPE');
      if (o.conditionVersion && !o.condition) throw new UsageError('usage error: When --condition-version is set, --condition must be set as well.');
      const scope = roleScope(ctx, o.resourceGroup, o.scope);
      let objectId: string;
      let principalType: string | undefined;
      if (o.assignee) ({ objectId, principalType } = await resolveAssignee(ctx, o.assignee));
      else {
        objectId = o.assigneeObjectId!;
        principalType = o.assigneePrincipalType;
        if (!principalType) {
          ctx.warn('RBAC service might reject creating role assignment without --assignee-principal-type in the future. Better to specify --assignee-principal-type manually.');
          principalType = await principalTypeOf(ctx, objectId);
        }
      }
      const roleDefinitionId = await resolveRoleId(ctx, o.role, scope);
      const properties = {
        roleDefinitionId,
        principalId: objectId,
        principalType,
        description: o.description,
        condition: o.condition,
        conditionVersion: o.conditionVersion ?? (o.condition ? '2.0' : undefined),
      };
      try {
        const reply = await ctx.arm().call('PUT', `${assignmentsPath(scope)}/${o.name ?? crypto.randomUUID()}`, { apiVersion: API.roleAssignments, body: { properties } });
        return roleAssignmentView(reply.body);
      } catch (e) {
        // Idempotent as az: the same principal, role and scope again gives the existing assignment.
        if (e instanceof ServiceError && e.status === 409 && /role assignment already exists/i.test(e.serviceMessage)) {
          const existing = await searchAssignments(ctx, scope, objectId, roleDefinitionId, false);
          if (existing.length) return (await withNames(ctx, existing, scope))[0];
        }
        throw e;
      }
    },
  );

  const list = onRun<ScopeOptions & { assignee?: string; role?: string; all?: boolean; includeInherited?: boolean }>(
    leafCommand('list', 'List role assignments.')
      .option('--assignee <assignee>', 'Represent a user or service principal: object id, user sign-in name, or service principal name.')
      .option('--role <role>', 'Role name or id.')
      .addOption(scopeOption())
      .addOption(groupOption())
      .option('--all', 'Show all assignments under the current subscription.')
      .option('--include-inherited', 'Include assignments applied on parent scopes.'),
    async (ctx, o) => {
      if (o.all && (o.resourceGroup || o.scope)) throw new CliError('group or scope are not required when --all is used');
      const scope = o.all ? undefined : roleScope(ctx, o.resourceGroup, o.scope);
      const principalId = o.assignee ? (await resolveAssignee(ctx, o.assignee)).objectId : undefined;
      return withNames(ctx, await searchAssignments(ctx, scope, principalId, o.role, Boolean(o.includeInherited)), scope);
    },
    { table: (rows) => (rows as Record<string, unknown>[]).map((r) => ({ Principal: r.principalName, Role: r.roleDefinitionName, Scope: r.scope })) },
  );

  const del = onRun<ScopeOptions & { ids?: string[]; assignee?: string; role?: string; includeInherited?: boolean; yes?: boolean }>(
    leafCommand('delete', 'Delete role assignments.')
      .option('--ids <ids...>', 'Space-separated role assignment ids.')
      .option('--assignee <assignee>', 'Represent a user or service principal: object id, user sign-in name, or service principal name.')
      .option('--role <role>', 'Role name or id.')
      .addOption(scopeOption())
      .addOption(groupOption())
      .option('--include-inherited', 'Include assignments applied on parent scopes.')
      .option('-y, --yes', 'Continue to delete all assignments under the subscription.'),
    async (ctx, o) => {
      const arm = ctx.arm();
      if (o.ids?.length) {
        for (const [flag, given] of [['--assignee', o.assignee], ['--role', o.role], ['--resource-group', o.resourceGroup], ['--scope', o.scope], ['--include-inherited', o.includeInherited]] as const) {
          if (given) ctx.warn(`option '${flag}' will be ignored due to use of '--ids'.`);
        }
        for (const id of o.ids) await arm.call('DELETE', id, { apiVersion: API.roleAssignments });
        return undefined;
      }
      if (!o.assignee && !o.role && !o.resourceGroup && !o.scope && !o.yes && !(await ctx.confirm('This will delete all role assignments under the subscription. Are you sure?'))) return undefined;
      const scope = roleScope(ctx, o.resourceGroup, o.scope);
      const principalId = o.assignee ? (await resolveAssignee(ctx, o.assignee)).objectId : undefined;
      const found = await searchAssignments(ctx, scope, principalId, o.role, Boolean(o.includeInherited));
      if (!found.length) throw new CliError('No matched assignments were found to delete');
      for (const a of found) await arm.call('DELETE', a.id, { apiVersion: API.roleAssignments });
      return undefined;
    },
  );

  return groupCommand('assignment', 'Manage role assignments.', [create, list, del]);
}
