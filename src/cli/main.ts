import { Command } from 'commander';
import { serverCommand } from './serverCommand.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('amity').description('Amity: a self-hosted, Azure-compatible managed identity platform').showHelpAfterError();
  program.addCommand(serverCommand());
  await program.parseAsync(argv);
}
