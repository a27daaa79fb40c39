import { onRun } from '../../runtime/commandKit.js';
import { API } from '../shared/apiVersions.js';
import { identityPath, identityRefs, type ResourceIdOptions } from './model.js';
import { identityIdCommand } from './options.js';

interface ListResourcesOptions extends ResourceIdOptions {
  filter?: string;
  orderby?: string;
  skip?: string;
  skiptoken?: string;
  top?: string;
}

/** `amity identity list-resources`: the resources (hosts) an identity is assigned to, every page followed. */
export function listResourcesCommand() {
  return onRun<ListResourcesOptions>(
    identityIdCommand('list-resources', 'Lists the associated resources for this identity.')
      .option('--filter <expression>', 'OData filter expression to apply to the query.')
      .option('--orderby <expression>', 'OData orderBy expression to apply to the query.')
      .option('--skip <n>', 'Number of records to skip.')
      .option('--skiptoken <token>', 'A skip token is used to continue retrieving items after an operation returns a partial result.')
      .option('--top <n>', 'Number of records to return.'),
    async (ctx, o) => {
      const arm = ctx.arm();
      const [ref] = identityRefs(ctx, o);
      const items: unknown[] = [];
      let url: string | undefined = arm.urlOf(`${identityPath(ref)}/listAssociatedResources`, {
        apiVersion: API.managedIdentity,
        query: { $filter: o.filter, $orderby: o.orderby, $skip: o.skip, $skiptoken: o.skiptoken, $top: o.top },
      });
      // A POST action whose pages continue with POSTs to nextLink, as the SDK's pager does.
      while (url) {
        const page = (await arm.call('POST', url)).body as { value?: unknown[]; nextLink?: string } | undefined;
        items.push(...(page?.value ?? []));
        url = page?.nextLink ?? undefined;
      }
      return items;
    },
  );
}
