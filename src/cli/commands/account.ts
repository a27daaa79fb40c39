import { Option } from 'commander';
import { groupCommand, leafCommand, onRun } from '../runtime/commandKit.js';
import { CliError } from '../runtime/errors.js';
import { defaultAccount, readProfile, writeProfile, type Account } from '../runtime/profile.js';
import { accountView } from '../runtime/session.js';
import { armResourceOf, graphResourceOf, tokenFor } from '../runtime/tokens.js';
import { localTimestamp } from './shared/time.js';

/** `az account show`'s shape: the account with `environmentName` where list says `cloudName`. */
function showView(a: Account): Record<string, unknown> {
  const { cloudName, ...rest } = accountView(a);
  return { environmentName: cloudName, ...rest };
}

/** az's `transform_account_list` for `-o table`. */
function accountTable(result: unknown): unknown {
  return (result as Record<string, unknown>[]).map((r) => ({ Name: r.name, CloudName: r.cloudName, SubscriptionId: r.id, TenantId: r.tenantId, State: r.state, IsDefault: r.isDefault }));
}

function sameServer(a: Account, b: Account): boolean {
  return a.server.toLowerCase() === b.server.toLowerCase();
}

/** `amity account …`: the signed-in subscriptions, the default one, and access tokens. */
export function accountCommand() {
  const show = onRun(leafCommand('show', 'Get the details of a subscription.'), async (ctx) => showView(ctx.account()));

  const list = onRun<{ all?: boolean }>(
    leafCommand('list', 'Get a list of subscriptions for the logged in account.').option('--all', "List all subscriptions from all servers ('clouds'), not just the current one."),
    async (ctx, o) => {
      const profile = readProfile();
      const current = defaultAccount(profile);
      if (!current) ctx.warn('Please run "amity login" to access your accounts.');
      // Like az's current cloud: without --all only the default account's server.
      const accounts = o.all || !current ? profile.accounts : profile.accounts.filter((a) => sameServer(a, current));
      return accounts.map(accountView);
    },
    { table: accountTable },
  );

  const set = onRun<{ subscription?: string; name?: string }>(
    leafCommand('set', 'Set a subscription to be the current active subscription.').option('-n, --name <name-or-id>', 'Name or ID of subscription (same as --subscription).'),
    async (_ctx, o) => {
      const wanted = (o.subscription ?? o.name)?.toLowerCase();
      if (!wanted) throw new CliError('usage error: --subscription NAME_OR_ID', 2);
      const profile = readProfile();
      const current = defaultAccount(profile);
      if (!current) throw new CliError("Please run 'amity login' to setup account.");
      const target = profile.accounts.find((a) => a.id.toLowerCase() === wanted) ?? profile.accounts.find((a) => a.name.toLowerCase() === wanted);
      if (!target) throw new CliError(`The subscription of '${o.subscription ?? o.name}' doesn't exist in cloud '${current.environmentName}'.`);
      for (const a of profile.accounts) a.isDefault = a === target;
      writeProfile(profile);
      return undefined;
    },
  );

  const getAccessToken = onRun<{ resource?: string; scope?: string[]; resourceType?: string }>(
    leafCommand('get-access-token', 'Get a token for utilities to access Azure (here: Amity) APIs.')
      .option('--resource <resource>', 'Azure resource endpoints (the token audience). Default: the ARM API of the server.')
      .option('--scope <scope...>', 'Space-separated AAD scopes in AAD v2.0. Default to the ARM API.')
      .addOption(new Option('--resource-type <type>', 'Type of well-known resource.').choices(['arm', 'ms-graph'])),
    async (ctx, o) => {
      if ([o.resource, o.scope, o.resourceType].filter((x) => x !== undefined).length > 1) throw new CliError('usage error: --resource, --scope, --resource-type are mutually exclusive', 2);
      const account = ctx.account();
      const resource = o.scope ? resourceOfScope(o.scope) : o.resource ? withSlash(o.resource) : o.resourceType === 'ms-graph' ? graphResourceOf(account.server) : armResourceOf(account.server);
      const token = await tokenFor(account, resource);
      return {
        accessToken: token.accessToken,
        expiresOn: localTimestamp(token.expiresOn),
        expires_on: token.expiresOn,
        subscription: account.id,
        tenant: account.tenantId,
        tokenType: token.tokenType,
      };
    },
  );
  // `-s` is az's short form of --subscription for `account set`: the global option already takes the long form.
  const subscriptionOption = set.options.find((opt) => opt.long === '--subscription')!;
  subscriptionOption.short = '-s';
  subscriptionOption.flags = `-s, ${subscriptionOption.flags}`;

  return groupCommand('account', 'Manage Azure (here: Amity) subscription information.', [show, list, set, getAccessToken]);
}

/** The audience of a v2 scope: `https://x/.default` → `https://x/`. */
function resourceOfScope(scopes: string[]): string {
  if (scopes.length !== 1) throw new CliError('usage error: only one scope is supported', 2);
  const scope = scopes[0];
  return scope.endsWith('/.default') ? scope.slice(0, -'.default'.length) : scope.endsWith('.default') ? withSlash(scope.slice(0, -'.default'.length)) : withSlash(scope);
}

function withSlash(resource: string): string {
  return resource.endsWith('/') ? resource : `${resource}/`;
}
