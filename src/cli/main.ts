import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { serverCommand } from './serverCommand.js';
import { keysCommand } from './keysCommand.js';
import { agentCommand } from './agentCommand.js';
import { CliError } from './runtime/errors.js';
import { azStyleUsageError } from './runtime/usageErrors.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { accountCommand } from './commands/account.js';
import { groupCommand } from './commands/group.js';
import { identityCommand } from './commands/identity.js';
import { roleCommand } from './commands/role.js';
import { vmCommand } from './commands/vm.js';
import { deploymentCommand } from './commands/deployment.js';
import { adCommand } from './commands/ad.js';
import { restCommand } from './commands/rest.js';
import { completionCommand } from './commands/completion.js';

/** The whole command tree (completion scripts walk it too). */
export function buildProgram(): Command {
  const program = new Command('amity')
    .description('Amity: a self-hosted, Azure-compatible managed identity platform')
    .version(packageVersion(), '-v, --version', 'Show the version of Amity.')
    .showSuggestionAfterError()
    .configureHelp({ sortSubcommands: true });
  for (const command of [
    loginCommand(),
    logoutCommand(),
    accountCommand(),
    groupCommand(),
    identityCommand(),
    roleCommand(),
    vmCommand(),
    deploymentCommand(),
    adCommand(),
    restCommand(),
    completionCommand(),
    serverCommand(),
    agentCommand(),
    keysCommand(),
  ])
    program.addCommand(command);
  // Usage errors (unknown command or option, missing argument) exit 2 as az's do; everything else is reported below.
  const exitOverride = (cmd: Command) => {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: (text, write) => write(azStyleUsageError(text)) });
    cmd.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = exitCodeOf(e);
  }
}

/** Prints a failure as az does (`ERROR: …` on stderr) and gives the exit code. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof CommanderError) {
    // Commander has printed its own message (and the suggestion for a typo) already.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof CliError) {
    process.stderr.write(`ERROR: ${e.message}\n`);
    return e.exitCode;
  }
  process.stderr.write(`ERROR: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}

function packageVersion(): string {
  // dist/src/cli/main.js when installed, src/cli/main.ts under tsx.
  for (const relative of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'amity') return pkg.version;
    } catch {
      // not this layout
    }
  }
  return 'unknown';
}
