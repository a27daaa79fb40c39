import { Option } from 'commander';
import { groupCommand, leafCommand, onRun } from '../../runtime/commandKit.js';
import { graphErrors, graphGet, graphList, odataQuote, segment } from './graph.js';

const idOption = () => new Option('--id <id>', "The user's object id or principal name.").makeOptionMandatory();

/** `amity ad user …`: az ad user's commands over Microsoft Graph `/users`. */
export function adUserCommand() {
  const create = onRun<{ displayName: string; userPrincipalName: string; password: string; mailNickname?: string; forceChangePasswordNextSignIn?: boolean }>(
    leafCommand('create', 'Create a user.')
      .addOption(new Option('--display-name <name>', "Object's display name or its prefix.").makeOptionMandatory())
      .addOption(new Option('--user-principal-name <upn>', 'The user principal name (someuser@contoso.com).').makeOptionMandatory())
      .addOption(new Option('--password <password>', 'The password.').makeOptionMandatory())
      .option('--mail-nickname <alias>', 'Mail alias. Defaults to the user principal name.')
      .option('--force-change-password-next-sign-in', 'Marks the password as having to be changed at the next sign-in.'),
    (ctx, o) =>
      graphErrors(async () => {
        // The body az sends (set_object_properties('user', …)).
        const body = {
          accountEnabled: true,
          displayName: o.displayName,
          mailNickname: o.mailNickname ?? o.userPrincipalName.split('@')[0],
          passwordProfile: { password: o.password, forceChangePasswordNextSignIn: Boolean(o.forceChangePasswordNextSignIn) },
          userPrincipalName: o.userPrincipalName,
        };
        return (await ctx.graph().call('POST', '/users', { body })).body;
      }),
  );

  const list = onRun<{ upn?: string; displayName?: string; filter?: string }>(
    leafCommand('list', 'List users.').option('--upn <upn>', 'User principal name.').option('--display-name <name>', "Object's display name or its prefix.").option('--filter <filter>', 'OData filter, e.g. --filter "displayname eq \'test\' and servicePrincipalType eq \'Application\'"'),
    (ctx, o) =>
      graphErrors(() => {
        const filters = [o.filter, o.upn && `userPrincipalName eq '${odataQuote(o.upn)}'`, o.displayName && `startswith(displayName,'${odataQuote(o.displayName)}')`].filter(Boolean);
        return graphList(ctx, '/users', filters.length ? filters.join(' and ') : undefined);
      }),
  );

  const show = onRun<{ id: string }>(leafCommand('show', 'Get the details of a user.').addOption(idOption()), (ctx, o) => graphErrors(() => graphGet(ctx, `/users/${segment(o.id)}`)));

  const del = onRun<{ id: string }>(leafCommand('delete', 'Delete a user.').addOption(idOption()), (ctx, o) =>
    graphErrors(async () => {
      await ctx.graph().call('DELETE', `/users/${segment(o.id)}`);
      return undefined;
    }),
  );

  return groupCommand('user', 'Manage Microsoft Entra users (the directory of the Amity server).', [create, list, show, del]);
}
