import { Option } from 'commander';
import { groupCommand, leafCommand, onRun } from '../../runtime/commandKit.js';
import type { CliContext } from '../../runtime/context.js';
import { CliError } from '../../runtime/errors.js';
import { API } from '../shared/apiVersions.js';
import { federatedCredentialModel, identityPath } from './model.js';
import { requiredGroup } from './options.js';

const api = { apiVersion: API.managedIdentity };
const DEFAULT_AUDIENCES = ['api://AzureADTokenExchange'];

interface FicOptions {
  resourceGroup: string;
  identityName: string;
  name: string;
}

interface FicBodyOptions extends FicOptions {
  issuer?: string;
  subject?: string;
  audiences?: string[];
}

function ficCommand(name: string, description: string, withName = true) {
  const cmd = leafCommand(name, description)
    .addOption(requiredGroup())
    .addOption(new Option('--identity-name <name>', 'The name of the identity resource.').makeOptionMandatory());
  return withName ? cmd.addOption(new Option('-n, --name <name>', 'The name of the federated identity credential resource.').makeOptionMandatory()) : cmd;
}

function withBodyOptions(cmd: ReturnType<typeof ficCommand>) {
  return cmd
    .option('--issuer <url>', 'The openId connect metadata URL of the issuer of the identity provider that Azure AD would use in the token exchange protocol for validating tokens before issuing a token as the user-assigned managed identity.')
    .option('--subject <subject>', 'The sub value in the token sent to Azure AD for getting the user-assigned managed identity token.')
    .option('--audiences <audience...>', "The aud value in the token sent to Azure for getting the user-assigned managed identity token (default api://AzureADTokenExchange).");
}

function ficsPath(ctx: CliContext, o: Pick<FicOptions, 'resourceGroup' | 'identityName'>): string {
  return `${identityPath({ subscriptionId: ctx.subscriptionId, resourceGroup: o.resourceGroup, name: o.identityName })}/federatedIdentityCredentials`;
}

function ficPath(ctx: CliContext, o: FicOptions): string {
  return `${ficsPath(ctx, o)}/${encodeURIComponent(o.name)}`;
}

/** `amity identity federated-credential …`: az's commands on an identity's federated identity credentials. */
export function federatedCredentialCommand() {
  const create = onRun<FicBodyOptions>(withBodyOptions(ficCommand('create', 'Create a federated identity credential under an existing user assigned identity.')), async (ctx, o) => {
    if (!o.issuer || !o.subject) throw new CliError('usage error: please provide both --issuer and --subject parameters');
    const body = { properties: { issuer: o.issuer, subject: o.subject, audiences: o.audiences?.length ? o.audiences : DEFAULT_AUDIENCES } };
    return federatedCredentialModel((await ctx.arm().send('PUT', ficPath(ctx, o), { ...api, body })).body);
  });

  const update = onRun<FicBodyOptions>(withBodyOptions(ficCommand('update', 'Update a federated identity credential under an existing user assigned identity.')), async (ctx, o) => {
    const arm = ctx.arm();
    // az's update is a create that needs --issuer and --subject again; here what is not given is kept.
    const current = ((await arm.call('GET', ficPath(ctx, o), api)).body as { properties?: { issuer?: string; subject?: string; audiences?: string[] } }).properties ?? {};
    const body = { properties: { issuer: o.issuer ?? current.issuer, subject: o.subject ?? current.subject, audiences: o.audiences?.length ? o.audiences : (current.audiences ?? DEFAULT_AUDIENCES) } };
    return federatedCredentialModel((await arm.send('PUT', ficPath(ctx, o), { ...api, body })).body);
  });

  const list = onRun<FicOptions>(ficCommand('list', 'List all federated identity credentials under an existing user assigned identity.', false), async (ctx, o) =>
    (await ctx.arm().listAll(ficsPath(ctx, o), api)).map(federatedCredentialModel),
  );

  const show = onRun<FicOptions>(ficCommand('show', 'Show a federated identity credential under an existing user assigned identity.'), async (ctx, o) =>
    federatedCredentialModel((await ctx.arm().call('GET', ficPath(ctx, o), api)).body),
  );

  // az asks before deleting a federated credential (confirmation=True), unlike the identity itself.
  const del = onRun<FicOptions & { yes?: boolean }>(
    ficCommand('delete', 'Delete a federated identity credential under an existing user assigned identity.').option('-y, --yes', 'Do not prompt for confirmation.'),
    async (ctx, o) => {
      if (!o.yes && !(await ctx.confirm())) return undefined;
      await ctx.arm().send('DELETE', ficPath(ctx, o), api);
      return undefined;
    },
  );

  return groupCommand('federated-credential', 'Manage federated identity credentials under user assigned identities.', [create, update, list, show, del]);
}
