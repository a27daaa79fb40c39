/**
 * The contract between the template engine (`src/templates/engine/`: parameters, variables, copy, conditions,
 * dependsOn ordering, outputs, what-if) and the deployments API (`src/providers/resources/deployments*.ts`:
 * REST, persistence, LRO, RBAC). The engine never touches the store: every resource it reads or writes goes
 * through the gateway, which the API implements with the same dispatch as a REST call, as the deploying principal.
 */
import type { ArmErrorBody } from './errorBody.js';

export type { ArmErrorBody } from './errorBody.js';

export type DeploymentMode = 'Incremental' | 'Complete';

/** The ARM `properties.parameters` of a deployment request: `{ name: { value } }` (Key Vault references are refused). */
export type ParameterValues = Record<string, { value?: unknown; reference?: unknown }>;

export interface DeploymentInput {
  template: unknown;
  parameters: ParameterValues;
  mode: DeploymentMode;
}

/** Where the deployment runs, and what the template's deployment()/resourceGroup()/subscription()/environment() return. */
export interface DeploymentScope {
  tenantId: string;
  subscriptionId: string;
  subscriptionDisplayName: string;
  /** Present for resource-group deployments; absent at subscription scope. */
  resourceGroup?: { id: string; name: string; location: string; tags?: Record<string, string>; managedBy?: string };
  deploymentName: string;
  /** The deployment's ARM id. */
  deploymentId: string;
  /** Subscription-scope deployments carry a location. */
  location?: string;
  /** The server's public ARM endpoint (environment().resourceManager) and token issuer (environment().authentication.loginEndpoint). */
  resourceManagerUrl: string;
  loginEndpoint: string;
}

/** How the engine reaches resources. Each call is authorised and executed exactly as the REST call it stands for. */
export interface ResourceGateway {
  /** GET; a missing resource is `{ status: 404 }`, never a throw. */
  get(resourceId: string, apiVersion: string): Promise<{ status: number; body?: unknown }>;
  /** PUT the resource as the template declares it. Throws an ArmError (status, code, message) when refused. */
  put(resourceId: string, apiVersion: string, body: unknown): Promise<{ status: number; body?: unknown }>;
  /** DELETE (Complete mode). */
  delete(resourceId: string, apiVersion: string): Promise<{ status: number }>;
  /** POST `{resourceId}/{action}` (list* functions). */
  post(resourceId: string, action: string, apiVersion: string, body: unknown): Promise<{ status: number; body?: unknown }>;
  /** The api-versions a type accepts (newest last), or undefined for an unknown type: reference() without an api-version takes the newest. */
  apiVersionsOf(resourceType: string): readonly string[] | undefined;
  /** The ids and types of every resource now in the deployment's group (Complete mode and what-if Delete). */
  listGroupResources(): Promise<{ id: string; type: string }[]>;
}

/** One resource of the template after copy expansion and conditions, as validate and what-if report it. */
export interface PlannedResource {
  /** Full ARM id. */
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  /** Ids of the resources it waits for. */
  dependsOn: string[];
  /** False when its `condition` evaluated to false: not deployed, not in outputResources. */
  enabled: boolean;
}

/** The parameters as a deployment shows them: `{ name: { type: 'String', value } }`; secure ones carry only their type. */
export type DisplayedParameters = Record<string, { type: string; value?: unknown }>;

export interface ValidatedDeployment {
  resources: PlannedResource[];
  parameters: DisplayedParameters;
  /** Stable hash of the template text (properties.templateHash). */
  templateHash: string;
  /** Secret values of this deployment (securestring/secureObject), so the API can keep them out of logs and errors. */
  secretValues: string[];
  /**
   * Every declared parameter's value as validation resolved it (defaults included, secure values included). Pass
   * it as `parameters` to runDeployment so a default such as newGuid()/utcNow() is evaluated once, as in Azure,
   * and the run uses the values the deployment shows. Holds secrets: never store or show it as is.
   */
  resolvedParameters?: ParameterValues;
}

/** One deployment operation (GET …/deployments/{name}/operations). */
export interface DeploymentOperation {
  operationId: string;
  properties: {
    provisioningOperation: 'Create' | 'Delete' | 'Read' | 'Action';
    provisioningState: 'Running' | 'Succeeded' | 'Failed';
    timestamp: string;
    duration: string;
    statusCode?: string;
    statusMessage?: unknown;
    targetResource: { id: string; resourceType: string; resourceName: string; apiVersion: string };
  };
}

export interface DeploymentResult {
  provisioningState: 'Succeeded' | 'Failed' | 'Canceled';
  outputs: Record<string, { type: string; value: unknown }>;
  outputResources: { id: string }[];
  /** Azure's shape on failure: `{ code: 'DeploymentFailed', message, details: [{ code, message, target? }] }`. */
  error?: ArmErrorBody;
  /** `properties.dependencies` as Azure reports them. */
  dependencies: { id: string; resourceType: string; resourceName: string; dependsOn: { id: string; resourceType: string; resourceName: string }[] }[];
  /** `properties.providers`: namespaces and types the template touched. */
  providers: { namespace: string; resourceTypes: { resourceType: string; locations: string[] }[] }[];
}

export interface RunHooks {
  /** Called whenever an operation starts or ends, so the API can store it and answer the operations list while running. */
  onOperation(op: DeploymentOperation): Promise<void> | void;
  /** Aborted when the deployment is cancelled: the engine starts no further resource and returns Canceled. */
  signal?: AbortSignal;
}

/** What-if change, Azure's shape. */
export interface WhatIfChange {
  resourceId: string;
  changeType: 'Create' | 'Delete' | 'Ignore' | 'Deploy' | 'NoChange' | 'Modify' | 'Unsupported';
  unsupportedReason?: string;
  before?: unknown;
  after?: unknown;
  delta?: WhatIfPropertyChange[];
}

export interface WhatIfPropertyChange {
  path: string;
  propertyChangeType: 'Create' | 'Delete' | 'Modify' | 'Array' | 'NoEffect';
  before?: unknown;
  after?: unknown;
  children?: WhatIfPropertyChange[];
}

/**
 * The engine's entry points (implemented in `src/templates/engine/index.ts`):
 *
 *   validateDeployment(input, scope, gateway): Promise<ValidatedDeployment>
 *     Parses and checks the template and parameters without writing anything; throws TemplateError
 *     (InvalidTemplate / InvalidTemplateDeployment / MissingParameter…) with Azure's messages.
 *
 *   runDeployment(input, scope, gateway, hooks): Promise<DeploymentResult>
 *     Deploys in dependsOn order (independent resources in parallel, `copy` serial/parallel with batchSize),
 *     stops starting new resources after the first failure (resources already deployed stay, as in Azure),
 *     deletes unlisted group resources in Complete mode, evaluates outputs.
 *
 *   whatIf(input, scope, gateway): Promise<{ changes: WhatIfChange[] }>
 *     Compares each planned resource with its current state through gateway.get.
 */
export type EngineEntryPoints = never;
