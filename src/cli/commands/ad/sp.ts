import { Option } from 'commander';
import { groupCommand, leafCommand, onRun } from '../../runtime/commandKit.js';
import type { CliContext } from '../../runtime/context.js';
import { CliError, ServiceError, UsageError } from '../../runtime/errors.js';
import { GUID } from '../shared/jsonArg.js';
import { graphErrors, graphGet, graphList, odataQuote, segment } from './graph.js';

const idOption = () => new Option('--id <id>', 'Service principal name, or object id.').makeOptionMandatory();

/** az's `_resolve_service_principal`: by one of its names (appId, …), else a GUID is taken as the object id. */
async function resolveServicePrincipal(ctx: CliContext, identifier: string): Promise<string> {
  const found = await graphList(ctx, '/servicePrincipals', `servicePrincipalNames/any(c:c eq '${odataQuote(identifier)}')`);
  if (found.length) return String(found[0].id);
  if (GUID.test(identifier)) return identifier;
  throw new CliError(`Service principal '${identifier}' doesn't exist`);
}

/** az's `_create_service_principal`: the application by appId (or identifier URI, or object id), then its service principal. */
async function appIdOf(ctx: CliContext, identifier: string): Promise<string> {
  const apps = GUID.test(identifier)
    ? await graphList(ctx, '/applications', `appId eq '${odataQuote(identifier)}'`)
    : await graphList(ctx, '/applications', `identifierUris/any(s:s eq '${odataQuote(identifier)}')`);
  if (apps.length) return String(apps[0].appId);
  try {
    return String((await graphGet(ctx, `/applications/${segment(identifier)}`)).appId);
  } catch (e) {
    if (e instanceof ServiceError) return identifier; // maybe an application of another tenant, as az assumes
    throw e;
  }
}

const CREDENTIAL_WARNING =
  'The output includes credentials that you must protect. Be sure that you do not include these credentials in your code or check the credentials into your source control. For more information, see https://aka.ms/azadsp-cli';

/** One year from now by default, as az's `relativedelta(years=…)`: the same day and time, years later. */
function addYears(from: Date, years: number): Date {
  const end = new Date(from);
  end.setUTCFullYear(end.getUTCFullYear() + years);
  return end;
}

function credentialResetCommand() {
  const reset = onRun<{ id: string; years?: string; endDate?: string; append?: boolean; displayName?: string }>(
    leafCommand('reset', "Reset a service principal's credential: its secrets are replaced by a new one (the output includes it).")
      .addOption(idOption())
      .option('--years <n>', 'Number of years for which the credentials will be valid. Default: 1 year.')
      .option('--end-date <date>', "Finer grain of expiry time, e.g. '2017-12-31T11:59:59+00:00'.")
      .option('--append', 'Append the new credential instead of overwriting.')
      .option('--display-name <name>', 'Friendly name for the credential.'),
    (ctx, o) =>
      graphErrors(async () => {
        if (o.years !== undefined && o.endDate !== undefined) throw new UsageError('usage error: --years | --end-date');
        const graph = ctx.graph();
        const sp = await graphGet(ctx, `/servicePrincipals/${segment(await resolveServicePrincipal(ctx, o.id))}`);
        const start = new Date();
        const years = o.years === undefined ? 1 : Number(o.years);
        if (!Number.isInteger(years) || years < 1) throw new UsageError(`argument --years: invalid int value: '${o.years}'`);
        const end = o.endDate ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(o.endDate) ? o.endDate : `${o.endDate}Z`) : addYears(start, years);
        if (Number.isNaN(end.getTime())) throw new UsageError(`argument --end-date: invalid date '${o.endDate}'`);
        if (!o.append) {
          for (const cred of (sp.passwordCredentials as { keyId: string }[] | undefined) ?? []) {
            await graph.call('POST', `/servicePrincipals/${segment(String(sp.id))}/removePassword`, { body: { keyId: cred.keyId } });
          }
        }
        const body = { passwordCredential: { displayName: o.displayName ?? null, endDateTime: end.toISOString(), startDateTime: start.toISOString() } };
        const added = (await graph.call('POST', `/servicePrincipals/${segment(String(sp.id))}/addPassword`, { body })).body as { secretText: string };
        ctx.warn(CREDENTIAL_WARNING);
        return { appId: sp.appId, password: added.secretText, tenant: ctx.account().tenantId };
      }),
  );
  return groupCommand('credential', "Manage a service principal's credentials.", [reset]);
}

/** `amity ad sp …`: az ad sp's commands over Microsoft Graph `/servicePrincipals`. */
export function adSpCommand() {
  const create = onRun<{ id: string }>(leafCommand('create', 'Create a service principal.').addOption(new Option('--id <id>', 'Identifier uri, application id, or object id of the associated application.').makeOptionMandatory()), (ctx, o) =>
    graphErrors(async () => (await ctx.graph().call('POST', '/servicePrincipals', { body: { appId: await appIdOf(ctx, o.id), accountEnabled: true } })).body),
  );

  const list = onRun<{ spn?: string; displayName?: string; filter?: string; all?: boolean }>(
    leafCommand('list', 'List service principals.')
      .option('--spn <name>', 'Service principal name.')
      .option('--display-name <name>', "Object's display name or its prefix.")
      .option('--filter <filter>', 'OData filter.')
      .option('--all', 'List all entities, expect long delay if under a big organization.'),
    (ctx, o) =>
      graphErrors(async () => {
        const filters = [o.filter, o.spn && `servicePrincipalNames/any(c:c eq '${odataQuote(o.spn)}')`, o.displayName && `startswith(displayName,'${odataQuote(o.displayName)}')`].filter(Boolean);
        const result = await graphList(ctx, '/servicePrincipals', filters.length ? filters.join(' and ') : undefined);
        const complete = filters.length || o.all;
        // az lists at most 100 without a filter or --all.
        if (!complete && result.length > 100) ctx.warn("The result is not complete. You can still use '--all' to get all of them with long latency expected, or provide a filter through command arguments");
        return complete ? result : result.slice(0, 100);
      }),
    {
      // az's graph object table: these columns, sorted by display name.
      table: (rows) =>
        [...(rows as Record<string, unknown>[])]
          .sort((a, b) => String(a.displayName).localeCompare(String(b.displayName)))
          .map((r) => ({ DisplayName: r.displayName, Id: r.id, AppId: r.appId, CreatedDateTime: r.createdDateTime })),
    },
  );

  const show = onRun<{ id: string }>(leafCommand('show', 'Get the details of a service principal.').addOption(idOption()), (ctx, o) =>
    graphErrors(async () => graphGet(ctx, `/servicePrincipals/${segment(await resolveServicePrincipal(ctx, o.id))}`)),
  );

  const del = onRun<{ id: string }>(leafCommand('delete', 'Delete a service principal.').addOption(idOption()), (ctx, o) =>
    graphErrors(async () => {
      await ctx.graph().call('DELETE', `/servicePrincipals/${segment(await resolveServicePrincipal(ctx, o.id))}`);
      return undefined;
    }),
  );

  return groupCommand('sp', 'Manage service principals.', [create, list, show, del, credentialResetCommand()]);
}
