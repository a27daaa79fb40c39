import { Command, Option } from 'commander';
import { CliContext, processIo, type CliIo, type GlobalOptions } from './context.js';
import { OUTPUT_FORMATS, type OutputFormat, type TableTransformer } from './output.js';

/**
 * A command that does something (not a group): az's global arguments added, its action given a CliContext, its
 * result printed with --output/--query. Every leaf command of the CLI is made here so they all behave alike.
 */
export function leafCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .addOption(new Option('-o, --output <format>', 'Output format.').choices(OUTPUT_FORMATS).default(defaultOutput()))
    .option('--query <jmespath>', 'JMESPath query string. See http://jmespath.org/ for more information and examples.')
    .option('--subscription <name-or-id>', 'Name or ID of subscription. You can configure the default subscription using `amity account set -s NAME_OR_ID`.')
    .option('--only-show-errors', 'Only show errors, suppressing warnings.')
    .option('--verbose', 'Increase logging verbosity.')
    .option('--debug', 'Increase logging verbosity to show all debug logs (secrets redacted).');
}

function defaultOutput(): OutputFormat {
  const configured = process.env.AMITY_OUTPUT;
  return configured && (OUTPUT_FORMATS as readonly string[]).includes(configured) ? (configured as OutputFormat) : 'json';
}

/** The terminal commands talk to; tests swap it. */
let io: CliIo = processIo;
export function setCliIo(next: CliIo): void {
  io = next;
}

/** How a command's result is printed besides --output/--query: az's table transformer for `-o table`. */
export interface PrintOptions {
  table?: TableTransformer;
}

/** Attaches the action: options parsed, a context made, the returned value printed (undefined prints nothing). */
export function onRun<O extends object>(cmd: Command, run: (ctx: CliContext, opts: O & GlobalOptions, args: string[]) => Promise<unknown>, print: PrintOptions = {}): Command {
  return cmd.action(async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    const opts = command.opts() as O & GlobalOptions;
    const ctx = new CliContext({ output: opts.output, query: opts.query, onlyShowErrors: opts.onlyShowErrors, verbose: opts.verbose, debug: opts.debug, subscription: opts.subscription }, io);
    const started = performance.now();
    const result = await run(ctx, opts, command.args);
    if (result !== undefined) await ctx.print(result, print.table);
    // What az --verbose ends with.
    ctx.info(`Command ran in ${((performance.now() - started) / 1000).toFixed(3)} seconds`);
  });
}

/** A group of commands (`amity identity`, `amity role assignment`): no action of its own, help when called bare. */
export function groupCommand(name: string, description: string, children: Command[]): Command {
  const group = new Command(name).description(description);
  for (const child of children) group.addCommand(child);
  return group;
}
