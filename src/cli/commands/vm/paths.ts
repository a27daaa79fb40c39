import { Option } from 'commander';
import type { CliContext } from '../../runtime/context.js';

export function vmPath(ctx: CliContext, resourceGroup: string, name: string): string {
  return `/subscriptions/${ctx.subscriptionId}/resourceGroups/${encodeURIComponent(resourceGroup)}/providers/Microsoft.Compute/virtualMachines/${encodeURIComponent(name)}`;
}

export const groupOption = () => new Option('-g, --resource-group <name>', 'Name of resource group.').makeOptionMandatory();
export const vmNameOption = () => new Option('-n, --name <name>', 'The name of the Virtual Machine.').makeOptionMandatory();
