import { Option } from 'commander';
import { groupCommand, leafCommand, onRun } from '../runtime/commandKit.js';
import type { CliContext } from '../runtime/context.js';
import { API } from './shared/apiVersions.js';
import { parseTags, TAGS_HELP } from './shared/tags.js';
import { federatedCredentialCommand } from './identity/federatedCredential.js';
import { listResourcesCommand } from './identity/listResources.js';
import { IDENTITY_TYPE, identityModel, identityPath, identityRefs, type IdentityRef, type ResourceIdOptions } from './identity/model.js';
import { GROUP_HELP, identityIdCommand, requiredGroup } from './identity/options.js';

const api = { apiVersion: API.managedIdentity };

/** `amity identity …`: az identity's commands on user-assigned managed identities. */
export function identityCommand() {
  const create = onRun<{ resourceGroup: string; name: string; location?: string; tags?: string[] }>(
    leafCommand('create', 'Create Identities.')
      .addOption(requiredGroup())
      .addOption(new Option('-n, --name <name>', 'The name of the identity resource.').makeOptionMandatory())
      .option('-l, --location <location>', "Location. When not specified, the location of the resource group will be used.")
      .option('--tags <tags...>', TAGS_HELP),
    async (ctx, o) => {
      const arm = ctx.arm();
      // As az's validator: without -l the identity goes where its group is (and a missing group fails here).
      const location = o.location ?? ((await arm.call('GET', `/subscriptions/${ctx.subscriptionId}/resourcegroups/${encodeURIComponent(o.resourceGroup)}`, { apiVersion: API.resources })).body as { location: string }).location;
      const tags = parseTags(o.tags);
      const ref = { subscriptionId: ctx.subscriptionId, resourceGroup: o.resourceGroup, name: o.name };
      const reply = await arm.send('PUT', identityPath(ref), { ...api, body: { location, ...(tags ? { tags } : {}) } });
      return identityModel(reply.body);
    },
  );

  const list = onRun<{ resourceGroup?: string }>(leafCommand('list', 'List Managed Identities.').option('-g, --resource-group <name>', GROUP_HELP), async (ctx, o) => {
    const scope = o.resourceGroup ? `/subscriptions/${ctx.subscriptionId}/resourceGroups/${encodeURIComponent(o.resourceGroup)}` : `/subscriptions/${ctx.subscriptionId}`;
    const items = await ctx.arm().listAll(`${scope}/providers/${IDENTITY_TYPE}`, api);
    return items.map(identityModel);
  });

  const show = onRun<ResourceIdOptions>(identityIdCommand('show', 'Gets the identity.'), async (ctx, o) =>
    forEachRef(ctx, o, async (ref) => identityModel((await ctx.arm().call('GET', identityPath(ref), api)).body)),
  );

  const update = onRun<ResourceIdOptions & { tags?: string[] }>(identityIdCommand('update', 'Update an identity (its tags).').option('--tags <tags...>', TAGS_HELP), async (ctx, o) =>
    forEachRef(ctx, o, async (ref) => {
      const tags = parseTags(o.tags);
      // PATCH as the SDK's `update`: only what was given changes (nothing given reads the identity back unchanged).
      const reply = await ctx.arm().send('PATCH', identityPath(ref), { ...api, body: tags ? { tags } : {} });
      return identityModel(reply.body);
    }),
  );

  // az's `identity delete` does not ask for confirmation (unlike `group delete`), and prints nothing.
  const del = onRun<ResourceIdOptions>(identityIdCommand('delete', 'Deletes the identity.'), async (ctx, o) => {
    for (const ref of identityRefs(ctx, o)) await ctx.arm().send('DELETE', identityPath(ref), api);
    return undefined;
  });

  return groupCommand('identity', 'Managed Identities.', [create, list, show, update, del, listResourcesCommand(), federatedCredentialCommand()]);
}

/** One result for one identity, a list for several `--ids`, as az prints them. */
async function forEachRef(ctx: CliContext, o: ResourceIdOptions, run: (ref: IdentityRef) => Promise<unknown>): Promise<unknown> {
  const refs = identityRefs(ctx, o);
  const results: unknown[] = [];
  for (const ref of refs) results.push(await run(ref));
  return o.ids && o.ids.length > 1 ? results : results[0];
}
