import { groupCommand } from '../runtime/commandKit.js';
import { deploymentScopeCommand } from './deployment/commands.js';
import { deploymentOperationCommand } from './deployment/operation.js';
import { groupScope, subscriptionScope } from './deployment/scope.js';

/** `amity deployment …`: az's ARM template deployments at resource group and subscription scope. */
export function deploymentCommand() {
  return groupCommand('deployment', 'Manage Azure Resource Manager template deployments.', [
    deploymentScopeCommand(groupScope, 'Manage Azure Resource Manager template deployment at resource group.'),
    deploymentScopeCommand(subscriptionScope, 'Manage Azure Resource Manager template deployment at subscription scope.'),
    deploymentOperationCommand(),
  ]);
}
