import { Option } from 'commander';
import { groupCommand, leafCommand, onRun } from '../../runtime/commandKit.js';
import { API } from '../shared/apiVersions.js';
import { deploymentPath, groupScope, subscriptionScope, type DeploymentScope, type ScopeOptions } from './scope.js';
import { operationView } from './shapes.js';

function operationList(scope: DeploymentScope) {
  return onRun<ScopeOptions & { name: string }>(
    scope.withScope(leafCommand('list', "Get all the deployment operations for a deployment.").addOption(new Option('-n, --name <name>', 'The deployment name.').makeOptionMandatory())),
    async (ctx, o) => (await ctx.arm().listAll(`${deploymentPath(scope, ctx, o, o.name)}/operations`, { apiVersion: API.deployments })).map(operationView),
  );
}

/** `amity deployment operation group|sub list`. */
export function deploymentOperationCommand() {
  return groupCommand('operation', 'Manage deployment operations.', [
    groupCommand('group', 'Manage deployment operations at resource group.', [operationList(groupScope)]),
    groupCommand('sub', 'Manage deployment operations at subscription scope.', [operationList(subscriptionScope)]),
  ]);
}
