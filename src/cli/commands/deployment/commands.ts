import { Command, Option } from 'commander';
import { groupCommand, leafCommand, onRun } from '../../runtime/commandKit.js';
import type { CliContext } from '../../runtime/context.js';
import { CliError, UsageError } from '../../runtime/errors.js';
import { API } from '../shared/apiVersions.js';
import { preflightMessage, preflightRefusal } from './errors.js';
import { deploymentPath, type DeploymentScope, type ScopeOptions } from './scope.js';
import { deploymentView, validateView } from './shapes.js';
import { completeParameters } from './prompt.js';
import { defaultDeploymentName, processParameters, readTemplate } from './template.js';
import { printWhatIfReport, runWhatIf, whatIfOutput } from './whatIf.js';

interface TemplateOptions extends ScopeOptions {
  name?: string;
  templateFile: string;
  parameters?: string[];
  mode?: string;
}

const CHANGE_TYPES = ['Create', 'Delete', 'Deploy', 'Ignore', 'Modify', 'NoChange', 'Unsupported'];

const templateOptions = (cmd: Command, scope: DeploymentScope) => {
  cmd
    .option('-n, --name <name>', 'The deployment name. Default: the template file name.')
    .addOption(new Option('-f, --template-file <file>', 'A path to a template file (ARM JSON) in the file system.').makeOptionMandatory())
    .option('-p, --parameters <params...>', "Supply deployment parameter values: a parameters file (@file.json or a path), inline JSON, or space-separated KEY=VALUE pairs. Repeatable.");
  if (scope.locationRequired) cmd.addOption(new Option('-l, --location <location>', 'The location to store the deployment metadata.').makeOptionMandatory());
  else cmd.addOption(new Option('--mode <mode>', 'The deployment mode.').choices(['Incremental', 'Complete']).default('Incremental'));
  return scope.withScope(cmd);
};

const whatIfFormatOption = (flags: string) => new Option(flags, 'The format of What-If results.').choices(['FullResourcePayloads', 'ResourceIdOnly']);
const excludeOption = (flags: string) => new Option(flags, 'Space-separated list of resource change types to be excluded from What-If results.').choices(CHANGE_TYPES);

/** az's `transform_deployment`: the table row of a deployment. */
function deploymentRow(d: Record<string, unknown>): Record<string, unknown> {
  const p = (d.properties ?? {}) as Record<string, unknown>;
  return { Name: d.name, State: p.provisioningState, Timestamp: p.timestamp, Mode: p.mode, ...(d.resourceGroup ? { ResourceGroup: d.resourceGroup } : {}) };
}

/** The template, its parameters and the deployment's name, as az prepares them. */
async function prepare(ctx: CliContext, scope: DeploymentScope, o: TemplateOptions) {
  const template = await readTemplate(o.templateFile);
  const parameters = await completeParameters(ctx, template, await processParameters(template, o.parameters ?? [], (m) => ctx.warn(m)));
  const name = o.name ?? defaultDeploymentName(o.templateFile);
  const properties: Record<string, unknown> = { template, parameters, mode: scope.locationRequired ? 'Incremental' : (o.mode ?? 'Incremental') };
  return { name, path: deploymentPath(scope, ctx, o, name), properties };
}

/** POST validate, followed to its end; a refusal is reported as az does. */
async function validate(ctx: CliContext, path: string, body: Record<string, unknown>) {
  let reply;
  try {
    reply = await ctx.arm().send('POST', `${path}/validate`, { apiVersion: API.deployments, body });
  } catch (e) {
    throw preflightRefusal(e);
  }
  const result = (reply.body ?? {}) as { error?: { code?: unknown; message?: unknown } };
  if (result.error) throw new CliError(preflightMessage(result.error));
  return reply.body;
}

/** `amity deployment group|sub …`: the same commands at either scope. */
export function deploymentScopeCommand(scope: DeploymentScope, description: string) {
  const body = (o: ScopeOptions, properties: Record<string, unknown>) => (scope.locationRequired ? { location: o.location, properties } : { properties });

  const create = onRun<TemplateOptions & { wait: boolean; whatIf?: boolean; confirmWithWhatIf?: boolean; whatIfResultFormat?: string; whatIfExcludeChangeTypes?: string[] }>(
    templateOptions(leafCommand('create', 'Start a deployment.'), scope)
      .option('--no-wait', 'Do not wait for the long-running operation to finish.')
      .option('-w, --what-if', 'Instruct the command to run deployment What-If (and deploy nothing).')
      .option('-c, --confirm-with-what-if', 'Instruct the command to run deployment What-If before executing the deployment. It then prompts you to acknowledge resource changes before it continues.')
      .addOption(whatIfFormatOption('-r, --what-if-result-format <format>'))
      .addOption(excludeOption('-x, --what-if-exclude-change-types <types...>')),
    async (ctx, o) => {
      const { path, properties } = await prepare(ctx, scope, o);
      if (o.whatIf || o.confirmWithWhatIf) {
        if (o.whatIf && o.confirmWithWhatIf) throw new UsageError('usage error: --what-if | --confirm-with-what-if');
        const result = await runWhatIf(ctx, path, properties, o.location, { resultFormat: o.whatIfResultFormat, excludeChangeTypes: o.whatIfExcludeChangeTypes });
        printWhatIfReport(ctx, result);
        if (o.whatIf || !(await ctx.confirm('Are you sure you want to execute the deployment?'))) return undefined;
      }
      const request = body(o, properties);
      return ctx.withSpinner(async (progress) => {
        progress('Running');
        await validate(ctx, path, request);
        const reply = await ctx.arm().send('PUT', path, { apiVersion: API.deployments, body: request, wait: o.wait, progress });
        return o.wait ? deploymentView(reply.body) : undefined;
      });
    },
    { table: (d) => deploymentRow(d as Record<string, unknown>) },
  );

  const validateCmd = onRun<TemplateOptions>(templateOptions(leafCommand('validate', 'Validate whether a template is syntactically correct.'), scope), async (ctx, o) => {
    const { path, properties } = await prepare(ctx, scope, o);
    return validateView(await validate(ctx, path, body(o, properties)));
  });

  const whatIf = onRun<TemplateOptions & { resultFormat?: string; excludeChangeTypes?: string[]; prettyPrint: boolean }>(
    templateOptions(leafCommand('what-if', 'Execute a deployment What-If operation.'), scope)
      .addOption(whatIfFormatOption('-r, --result-format <format>'))
      .addOption(excludeOption('-x, --exclude-change-types <types...>'))
      .option('--no-pretty-print', 'Disable pretty-print for What-If results. When set, the output format type will be used.'),
    async (ctx, o) => {
      const { path, properties } = await prepare(ctx, scope, o);
      const result = await runWhatIf(ctx, path, properties, o.location, o);
      if (!o.prettyPrint) return whatIfOutput(result);
      printWhatIfReport(ctx, result);
      return undefined;
    },
  );

  const nameOption = () => new Option('-n, --name <name>', 'The deployment name.').makeOptionMandatory();

  const show = onRun<ScopeOptions & { name: string }>(scope.withScope(leafCommand('show', 'Show a deployment.').addOption(nameOption())), async (ctx, o) =>
    deploymentView((await ctx.arm().call('GET', deploymentPath(scope, ctx, o, o.name), { apiVersion: API.deployments })).body),
    { table: (d) => deploymentRow(d as Record<string, unknown>) },
  );

  const list = onRun<ScopeOptions & { filter?: string }>(
    scope.withScope(leafCommand('list', 'List deployments.').option('--filter <filter>', "Filter expression using OData notation, e.g. \"provisioningState eq 'Succeeded'\".")),
    async (ctx, o) => (await ctx.arm().listAll(scope.collection(ctx, o), { apiVersion: API.deployments, query: { $filter: o.filter } })).map(deploymentView),
    {
      // az's transform_deployments_list: oldest first.
      table: (rows) =>
        [...(rows as Record<string, Record<string, unknown>>[])].sort((a, b) => String(a.properties.timestamp).localeCompare(String(b.properties.timestamp))).map(deploymentRow),
    },
  );

  const del = onRun<ScopeOptions & { name: string; wait: boolean }>(
    scope.withScope(leafCommand('delete', 'Delete a deployment (not the resources it deployed).').addOption(nameOption()).option('--no-wait', 'Do not wait for the long-running operation to finish.')),
    async (ctx, o) => {
      await ctx.withSpinner((progress) => ctx.arm().send('DELETE', deploymentPath(scope, ctx, o, o.name), { apiVersion: API.deployments, wait: o.wait, progress }));
      return undefined;
    },
  );

  const cancel = onRun<ScopeOptions & { name: string }>(scope.withScope(leafCommand('cancel', 'Cancel a deployment that is still running.').addOption(nameOption())), async (ctx, o) => {
    await ctx.arm().call('POST', `${deploymentPath(scope, ctx, o, o.name)}/cancel`, { apiVersion: API.deployments });
    return undefined;
  });

  const exportCmd = onRun<ScopeOptions & { name: string }>(scope.withScope(leafCommand('export', 'Export the template used for a deployment.').addOption(nameOption())), async (ctx, o) => {
    const reply = await ctx.arm().call('POST', `${deploymentPath(scope, ctx, o, o.name)}/exportTemplate`, { apiVersion: API.deployments });
    return (reply.body as { template?: unknown } | undefined)?.template ?? null;
  });

  return groupCommand(scope.name, description, [create, list, show, del, validateCmd, whatIf, cancel, exportCmd]);
}

