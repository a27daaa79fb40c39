import { Option, type Command } from 'commander';
import { leafCommand } from '../../runtime/commandKit.js';

export const GROUP_HELP = 'Name of resource group.';

/** az's resource-id arguments of `identity show|delete|update|list-resources`: `-g -n` or `--ids`. */
export function identityIdCommand(name: string, description: string): Command {
  return leafCommand(name, description)
    .option('-g, --resource-group <name>', GROUP_HELP)
    .option('-n, --name <name>', 'The name of the identity resource.')
    .option('--ids <id...>', "One or more resource IDs (space-delimited). It should be a complete resource ID containing all information of 'Resource Id' arguments. You should provide either --ids or other 'Resource Id' arguments.");
}

export const requiredGroup = () => new Option('-g, --resource-group <name>', GROUP_HELP).makeOptionMandatory();
