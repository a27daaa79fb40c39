import { Option } from 'commander';
import { leafCommand, onRun } from '../../runtime/commandKit.js';
import { UsageError } from '../../runtime/errors.js';
import { resolveAssignee } from './assignee.js';
import { groupOption, roleScope, scopeOption } from './scope.js';

/** The server's explanation endpoint (an Amity extension, not part of Azure's API). */
const CHECK_ACCESS_PATH = '/providers/Amity.Authorization/checkAccess';
const CHECK_ACCESS_API_VERSION = '2026-01-01';

/**
 * `amity role check` (beyond az): whether a principal may take an action at a scope, and which role assignments
 * decided it, as the server's RBAC evaluates it. Exit code 0 either way: the answer is the output.
 */
export function roleCheckCommand() {
  return onRun<{ assignee?: string; assigneeObjectId?: string; action: string; scope?: string; resourceGroup?: string }>(
    leafCommand('check', 'Explain whether a principal is allowed an action at a scope, and which role assignments decide it (Amity extension).')
      .option('--assignee <assignee>', 'A user (sign-in name), service principal (appId or display name) or object id.')
      .option('--assignee-object-id <id>', 'The object id of the principal (no Graph lookup).')
      .addOption(new Option('--action <action>', 'The operation, e.g. Microsoft.ManagedIdentity/userAssignedIdentities/read.').makeOptionMandatory())
      .addOption(scopeOption())
      .addOption(groupOption()),
    async (ctx, o) => {
      if (Boolean(o.assignee) === Boolean(o.assigneeObjectId)) throw new UsageError('usage error: --assignee STRING | --assignee-object-id GUID');
      const scope = roleScope(ctx, o.resourceGroup, o.scope);
      const principalId = o.assignee ? (await resolveAssignee(ctx, o.assignee)).objectId : o.assigneeObjectId!;
      const reply = await ctx.arm().call('POST', CHECK_ACCESS_PATH, { apiVersion: CHECK_ACCESS_API_VERSION, body: { principalId, action: o.action, scope } });
      const body = (reply.body ?? {}) as Record<string, unknown>;
      return { principalId, action: o.action, scope, allowed: body.allowed ?? false, reason: body.reason ?? null, decidingAssignments: body.decidingAssignments ?? [], consideredAssignments: body.consideredAssignments ?? [] };
    },
  );
}
