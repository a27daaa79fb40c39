/**
 * The contract between the ARM template expression language (`src/templates/language/`) and whoever evaluates
 * templates with it (`src/templates/engine/`). The language knows nothing of deployments or resources: every
 * function that needs the world (parameters, variables, reference, list*, copyIndex, user functions) asks the
 * scope it is given.
 */

/** Where in the template an expression sits, for error messages: e.g. `resources[2].properties.principalId`. */
export type TemplateLocation = string;

/**
 * A template that cannot be evaluated. `code` is Azure's (`InvalidTemplate`, `InvalidTemplateDeployment`,
 * `DeploymentFailed`…); `message` follows Azure's InvalidTemplate text: it names the template location and
 * the language expression, e.g.
 * `Deployment template validation failed: 'The template resource 'id1' at line '1' and column '2' is not valid: The template function 'foo' is not valid. Please see https://aka.ms/arm-functions for usage details.. Please see https://aka.ms/arm-template-expressions for usage details.'.`
 * (we have no line numbers in parsed JSON: say `at location '<TemplateLocation>'` instead of line/column).
 */
export class TemplateError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly details: { code: string; message: string; target?: string }[] = [],
  ) {
    super(message);
  }
}

/** What the language asks of its caller. Any member may throw a TemplateError. */
export interface EvaluationScope {
  /** Where the value being evaluated sits (carried into error messages). */
  readonly location: TemplateLocation;
  /** `parameters('name')`: the deployment's value (already defaulted and type-checked by the engine). */
  parameter(name: string): unknown;
  /** `variables('name')`: evaluated lazily by the engine (variables may reference variables). */
  variable(name: string): Promise<unknown>;
  /** `copyIndex()`, `copyIndex(offset)`, `copyIndex('loop')`, `copyIndex('loop', offset)`: the index only; the language adds the offset. */
  copyIndex(loopName: string | undefined): number;
  /** `resourceGroup()`, `subscription()`, `tenant()`, `deployment()`, `environment()`: Azure's objects. resourceGroup() throws outside a group deployment. */
  resourceGroup(): Record<string, unknown>;
  subscription(): Record<string, unknown>;
  tenant(): Record<string, unknown>;
  deployment(): Record<string, unknown>;
  environment(): Record<string, unknown>;
  /**
   * `reference(resourceIdOrName, apiVersion?, 'Full'?)`: a bare name means a resource declared in this template.
   * Returns the resource's `properties`, or the whole resource for 'Full'.
   */
  reference(resourceIdOrName: string, apiVersion: string | undefined, full: boolean): Promise<unknown>;
  /** `listKeys(id, apiVersion)`, `listAssociatedResources(...)`, any `list*` function: a POST of that action. */
  list(functionName: string, resourceId: string, apiVersion: string, body: unknown): Promise<unknown>;
  /** A user-defined function `namespace.member` from the template's `functions`, or undefined when there is none. */
  userFunction(namespace: string, member: string): ((args: unknown[]) => Promise<unknown>) | undefined;
  /** True only while evaluating a parameter's defaultValue: `utcNow()` and `newGuid()` are refused elsewhere, as in Azure. */
  readonly inParameterDefault: boolean;
}
