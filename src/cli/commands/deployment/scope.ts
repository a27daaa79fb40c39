import { Command, Option } from 'commander';
import type { CliContext } from '../../runtime/context.js';

/** Where deployments live: a resource group (`deployment group …`) or the subscription itself (`deployment sub …`). */
export interface DeploymentScope {
  /** `group` or `sub`, the command group's name. */
  name: 'group' | 'sub';
  /** Adds the scope's own options (`-g` for a group). */
  withScope(cmd: Command): Command;
  /** `…/providers/Microsoft.Resources/deployments` under the scope. */
  collection(ctx: CliContext, opts: ScopeOptions): string;
  /** Subscription deployments carry a location (`-l`), as in ARM. */
  locationRequired: boolean;
}

export interface ScopeOptions {
  resourceGroup?: string;
  location?: string;
}

export const groupScope: DeploymentScope = {
  name: 'group',
  withScope: (cmd) => cmd.addOption(new Option('-g, --resource-group <name>', 'Name of resource group.').makeOptionMandatory()),
  collection: (ctx, o) => `/subscriptions/${ctx.subscriptionId}/resourcegroups/${encodeURIComponent(o.resourceGroup!)}/providers/Microsoft.Resources/deployments`,
  locationRequired: false,
};

export const subscriptionScope: DeploymentScope = {
  name: 'sub',
  withScope: (cmd) => cmd,
  collection: (ctx) => `/subscriptions/${ctx.subscriptionId}/providers/Microsoft.Resources/deployments`,
  locationRequired: true,
};

export const deploymentPath = (scope: DeploymentScope, ctx: CliContext, o: ScopeOptions, name: string) => `${scope.collection(ctx, o)}/${encodeURIComponent(name)}`;
