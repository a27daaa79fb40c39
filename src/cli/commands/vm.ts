import { Option } from 'commander';
import { groupCommand, leafCommand, onRun } from '../runtime/commandKit.js';
import { API } from './shared/apiVersions.js';
import { addResourceGroups } from './shared/azTransform.js';
import { parseTags, TAGS_HELP } from './shared/tags.js';
import { identitiesInfo, identityType } from './vm/identities.js';
import { vmIdentityCommand } from './vm/identity.js';
import { groupOption, vmNameOption, vmPath } from './vm/paths.js';
import { identityInfo, vmView } from './vm/shapes.js';

interface CreateOptions {
  resourceGroup: string;
  name: string;
  location?: string;
  assignIdentity?: string[] | true;
  tags?: string[];
  osType?: string;
  computerName?: string;
  wait: boolean;
}

/**
 * `amity vm …`: az vm's commands for Amity's VMs, which are hosts carrying managed identities (an agent on the
 * machine serves their tokens): no image, size, disk or network.
 */
export function vmCommand() {
  const create = onRun<CreateOptions>(
    leafCommand('create', 'Create an Amity VM (a host for managed identities).')
      .addOption(groupOption())
      .addOption(vmNameOption())
      .option('-l, --location <location>', "Location. Defaults to the resource group's location.")
      .option('--assign-identity [ids...]', "Accept system or user assigned identities separated by spaces. Use '[system]' to refer to the system assigned identity, or a resource id to refer to a user assigned identity.")
      .option('--tags <tags...>', TAGS_HELP)
      .addOption(new Option('--os-type <type>', 'The operating system of the host.').choices(['Linux', 'Windows']))
      .option('--computer-name <name>', "The host name of the machine (default: the VM's name).")
      .option('--no-wait', 'Do not wait for the long-running operation to finish.'),
    async (ctx, o) => {
      const arm = ctx.arm();
      const location = o.location ?? ((await arm.call('GET', `/subscriptions/${ctx.subscriptionId}/resourcegroups/${encodeURIComponent(o.resourceGroup)}`, { apiVersion: API.resources })).body as { location: string }).location;
      const body: Record<string, unknown> = { location, tags: parseTags(o.tags), properties: { hostName: o.computerName, osType: o.osType } };
      if (o.assignIdentity !== undefined) {
        const wanted = identitiesInfo(ctx, o.resourceGroup, o.assignIdentity === true ? [] : o.assignIdentity);
        const identity: Record<string, unknown> = { type: identityType(wanted.system, wanted.user.length > 0) };
        if (wanted.user.length) identity.userAssignedIdentities = Object.fromEntries(wanted.user.map((id) => [id, {}]));
        body.identity = identity;
      }
      const reply = await ctx.withSpinner((progress) => arm.send('PUT', vmPath(ctx, o.resourceGroup, o.name), { apiVersion: API.compute, body, wait: o.wait, progress }));
      if (!o.wait) return undefined;
      const vm = reply.body as { id: string; location: string; identity?: unknown };
      // az vm create's own summary; Amity's hosts have no network, so its address fields are empty.
      const summary: Record<string, unknown> = { fqdns: '', id: vm.id, location: vm.location, macAddress: '', powerState: '', privateIpAddress: '', publicIpAddress: '', zones: '' };
      if (o.assignIdentity !== undefined) summary.identity = identityInfo(vm.identity);
      return addResourceGroups(summary);
    },
  );

  const list = onRun<{ resourceGroup?: string }>(leafCommand('list', 'List details of Virtual Machines.').option('-g, --resource-group <name>', 'Name of resource group.'), async (ctx, o) => {
    const path = o.resourceGroup
      ? `/subscriptions/${ctx.subscriptionId}/resourceGroups/${encodeURIComponent(o.resourceGroup)}/providers/Microsoft.Compute/virtualMachines`
      : `/subscriptions/${ctx.subscriptionId}/providers/Microsoft.Compute/virtualMachines`;
    return (await ctx.arm().listAll(path, { apiVersion: API.compute })).map(vmView);
  });

  const show = onRun<{ resourceGroup: string; name: string }>(leafCommand('show', 'Get the details of a VM.').addOption(groupOption()).addOption(vmNameOption()), async (ctx, o) =>
    vmView((await ctx.arm().call('GET', vmPath(ctx, o.resourceGroup, o.name), { apiVersion: API.compute })).body),
  );

  const del = onRun<{ resourceGroup: string; name: string; yes?: boolean; wait: boolean }>(
    leafCommand('delete', 'Delete a VM.').addOption(groupOption()).addOption(vmNameOption()).option('-y, --yes', 'Do not prompt for confirmation.').option('--no-wait', 'Do not wait for the long-running operation to finish.'),
    async (ctx, o) => {
      if (!o.yes && !(await ctx.confirm())) return undefined;
      await ctx.withSpinner((progress) => ctx.arm().send('DELETE', vmPath(ctx, o.resourceGroup, o.name), { apiVersion: API.compute, wait: o.wait, progress }));
      return undefined;
    },
  );

  return groupCommand('vm', 'Manage Amity VMs: hosts that carry managed identities.', [create, list, show, del, vmIdentityCommand()]);
}
