import { groupCommand, leafCommand, onRun } from '../../runtime/commandKit.js';
import { CliError } from '../../runtime/errors.js';
import { API } from '../shared/apiVersions.js';
import { identitiesInfo, identityType } from './identities.js';
import { groupOption, vmNameOption, vmPath } from './paths.js';
import { identityInfo, identityView } from './shapes.js';

interface VmBody {
  identity?: { type?: string; principalId?: string; userAssignedIdentities?: Record<string, unknown> };
}

const hasSystem = (type: string | undefined) => /systemassigned/i.test(type ?? '');
const hasUser = (type: string | undefined) => /userassigned/i.test(type ?? '');

/** `amity vm identity assign|remove|show`: az's commands, through GET and PATCH of the VM. */
export function vmIdentityCommand() {
  const assign = onRun<{ resourceGroup: string; name: string; identities?: string[] }>(
    leafCommand('assign', 'Enable managed service identity on a VM.').addOption(groupOption()).addOption(vmNameOption()).option('--identities <ids...>', "Space-separated identities to assign. Use '[system]' to refer to the system assigned identity. Default: '[system]'"),
    async (ctx, o) => {
      const arm = ctx.arm();
      const path = vmPath(ctx, o.resourceGroup, o.name);
      const wanted = identitiesInfo(ctx, o.resourceGroup, o.identities ?? []);
      const current = (await arm.call('GET', path, { apiVersion: API.compute })).body as VmBody;
      // The type keeps what the VM has and adds what is asked, as az's setter does.
      const type = identityType(wanted.system || hasSystem(current.identity?.type), wanted.user.length > 0 || hasUser(current.identity?.type));
      const identity: Record<string, unknown> = { type };
      if (wanted.user.length) identity.userAssignedIdentities = Object.fromEntries(wanted.user.map((id) => [id, {}]));
      await ctx.withSpinner((progress) => arm.send('PATCH', path, { apiVersion: API.compute, body: { identity }, progress }));
      const vm = (await arm.call('GET', path, { apiVersion: API.compute })).body as VmBody;
      return identityInfo(vm.identity);
    },
  );

  const remove = onRun<{ resourceGroup: string; name: string; identities?: string[] }>(
    leafCommand('remove', 'Remove managed service identities from a VM.').addOption(groupOption()).addOption(vmNameOption()).option('--identities <ids...>', "Space-separated identities to remove. Use '[system]' to refer to the system assigned identity. Default: '[system]'"),
    async (ctx, o) => {
      const arm = ctx.arm();
      const path = vmPath(ctx, o.resourceGroup, o.name);
      const wanted = identitiesInfo(ctx, o.resourceGroup, o.identities ?? []);
      const current = (await arm.call('GET', path, { apiVersion: API.compute })).body as VmBody;
      if (!current.identity) return undefined;
      const existing = new Set(Object.keys(current.identity.userAssignedIdentities ?? {}).map((k) => k.toLowerCase()));
      const missing = wanted.user.filter((id) => !existing.has(id.toLowerCase()));
      if (missing.length) throw new CliError(`'${missing.map((m) => m.toLowerCase()).join(',')}' are not associated with '${o.name}'`);
      const userLeft = [...existing].filter((k) => !wanted.user.some((id) => id.toLowerCase() === k)).length > 0;
      const type = identityType(hasSystem(current.identity.type) && !wanted.system, hasUser(current.identity.type) && userLeft);
      const identity: Record<string, unknown> = { type };
      if (wanted.user.length && hasUser(type)) identity.userAssignedIdentities = Object.fromEntries(wanted.user.map((id) => [id, null]));
      const reply = await ctx.withSpinner((progress) => arm.send('PATCH', path, { apiVersion: API.compute, body: { identity }, progress }));
      return identityView((reply.body as VmBody).identity) ?? undefined;
    },
  );

  const show = onRun<{ resourceGroup: string; name: string }>(leafCommand('show', 'Display VM managed identity information.').addOption(groupOption()).addOption(vmNameOption()), async (ctx, o) => {
    const vm = (await ctx.arm().call('GET', vmPath(ctx, o.resourceGroup, o.name), { apiVersion: API.compute })).body as VmBody;
    return identityView(vm.identity) ?? undefined;
  });

  return groupCommand('identity', 'Manage service identities of a VM.', [assign, remove, show]);
}
