import { Command } from 'commander';
import { serverCommand } from './serverCommand.js';
import { keysCommand } from './keysCommand.js';
import { agentCommand } from './agentCommand.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('amity').description('Amity: a self-hosted, Azure-compatible managed identity platform').showHelpAfterError();
  program.addCommand(serverCommand());
  program.addCommand(keysCommand());
  program.addCommand(agentCommand());
  await program.parseAsync(argv);
}
