import { Option } from 'commander';
import { groupCommand as commandGroup, leafCommand, onRun } from '../runtime/commandKit.js';
import { CliError } from '../runtime/errors.js';
import type { CliContext } from '../runtime/context.js';
import { API } from './shared/apiVersions.js';
import { modelOf } from './shared/shape.js';
import { parseTags, TAGS_HELP } from './shared/tags.js';

const GROUP_FIELDS = ['id', 'location', 'managedBy', 'name', 'properties', 'tags', 'type'] as const;

function groupPath(ctx: CliContext, name: string): string {
  return `/subscriptions/${ctx.subscriptionId}/resourcegroups/${encodeURIComponent(name)}`;
}

/** az's table for `group list`: name, location and provisioning state. */
function groupListTable(result: unknown): unknown {
  return (result as { name: string; location: string; properties?: { provisioningState?: string } }[]).map((g) => ({ Name: g.name, Location: g.location, Status: g.properties?.provisioningState }));
}

const nameOption = () => new Option('-n, --name <name>', 'Name of resource group.').makeOptionMandatory();

/** `amity group …`: az group's commands. */
export function groupCommand() {
  const create = onRun<{ name: string; location: string; tags?: string[]; managedBy?: string }>(
    leafCommand('create', 'Create a new resource group.')
      .addOption(nameOption())
      .addOption(new Option('-l, --location <location>', 'Location.').makeOptionMandatory())
      .option('--tags <tags...>', TAGS_HELP)
      .option('--managed-by <id>', 'The ID of the resource that manages this resource group.'),
    async (ctx, o) => {
      const body = { location: o.location, tags: parseTags(o.tags), managedBy: o.managedBy };
      const reply = await ctx.arm().send('PUT', groupPath(ctx, o.name), { apiVersion: API.resources, body });
      return modelOf(reply.body, GROUP_FIELDS);
    },
  );

  const list = onRun<{ tag?: string }>(leafCommand('list', 'List resource groups.').option('--tag <tag>', "a single tag in 'key[=value]' format"), async (ctx, o) => {
    let filter: string | undefined;
    if (o.tag) {
      const [k, v] = o.tag.split('=');
      filter = `tagName eq '${k}'${v !== undefined ? ` and tagValue eq '${v}'` : ''}`;
    }
    const items = await ctx.arm().listAll(`/subscriptions/${ctx.subscriptionId}/resourcegroups`, { apiVersion: API.resources, query: { $filter: filter } });
    return items.map((g) => modelOf(g, GROUP_FIELDS));
  }, { table: groupListTable });

  const show = onRun<{ name: string }>(leafCommand('show', 'Gets a resource group.').addOption(nameOption()), async (ctx, o) => {
    const reply = await ctx.arm().call('GET', groupPath(ctx, o.name), { apiVersion: API.resources });
    return modelOf(reply.body, GROUP_FIELDS);
  });

  const exists = onRun<{ name: string }>(leafCommand('exists', 'Check if a resource group exists.').addOption(nameOption()), async (ctx, o) => {
    try {
      await ctx.arm().call('HEAD', groupPath(ctx, o.name), { apiVersion: API.resources });
      return true;
    } catch (e) {
      if (e instanceof CliError && /Not Found|ResourceGroupNotFound/.test(e.message)) return false;
      throw e;
    }
  });

  const update = onRun<{ name: string; tags?: string[]; managedBy?: string }>(
    leafCommand('update', 'Update a resource group.').addOption(nameOption()).option('--tags <tags...>', TAGS_HELP).option('--managed-by <id>', 'The ID of the resource that manages this resource group.'),
    async (ctx, o) => {
      const arm = ctx.arm();
      // az updates by reading the group, changing it and writing it back whole.
      const current = (await arm.call('GET', groupPath(ctx, o.name), { apiVersion: API.resources })).body as Record<string, unknown>;
      const tags = parseTags(o.tags);
      const body = { location: current.location, tags: tags ?? current.tags, managedBy: o.managedBy ?? current.managedBy };
      const reply = await arm.send('PUT', groupPath(ctx, o.name), { apiVersion: API.resources, body });
      return modelOf(reply.body, GROUP_FIELDS);
    },
  );

  const del = onRun<{ name: string; yes?: boolean; wait: boolean }>(
    leafCommand('delete', 'Delete a resource group.').addOption(nameOption()).option('-y, --yes', 'Do not prompt for confirmation.').option('--no-wait', 'Do not wait for the long-running operation to finish.'),
    async (ctx, o) => {
      if (!o.yes && !(await ctx.confirm())) return undefined;
      await ctx.withSpinner((progress) => ctx.arm().send('DELETE', groupPath(ctx, o.name), { apiVersion: API.resources, wait: o.wait, progress }));
      return undefined;
    },
  );

  return commandGroup('group', 'Manage resource groups.', [create, list, show, exists, update, del]);
}
