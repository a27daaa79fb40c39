/**
 * The EvaluationScope the language evaluates against. One EngineContext per deployment holds the world
 * (parameters, variables, functions, the planned resources, the gateway); an EngineScope is a cheap view of it
 * at one template location with its copy indexes and what the location allows (reference() is refused in names,
 * parameters() means the function's arguments inside a user function, ...).
 */
import type { EvaluationScope } from '../language/contract.js';
import type { DeploymentMode, DeploymentScope, ResourceGateway } from './contract.js';
import { TemplateError, invalidTemplate, notExpectedHere } from './errors.js';
import type { Template } from './template.js';
import { providerTypeOfId, resourceNotFound } from './ids.js';
import { templateHash } from './hash.js';

/**
 * How reference()/list*() behave:
 *  plan     - names, conditions, dependsOn, variables: refused, as Azure;
 *  validate - deferred for every target (validation reads nothing);
 *  whatIf   - deferred for template resources (they may not exist yet), read for foreign ones;
 *  run      - read through the gateway.
 */
export type ReferenceMode = 'plan' | 'validate' | 'whatIf' | 'run';

/** Thrown (as a TemplateError, so the language passes it through) when a value only exists after deployment. */
export class DeferredValue extends TemplateError {
  constructor() {
    super('DeferredValue', 'The value is only known after the deployment runs.');
  }
}

/** Records that the expression being evaluated needed a deferred value, whatever the language did with the throw. */
export interface DeferBox {
  hit: boolean;
}

export interface TemplateResourceRef {
  id: string;
  type: string;
  apiVersion: string;
  enabled: boolean;
}

/** What the scope needs from the resource plan (filled in after planning). */
export interface ResourceLookup {
  /** A bare name or an id naming a resource of this template, or undefined. */
  find(nameOrId: string): TemplateResourceRef | undefined;
}

export interface CopyState {
  /** The loop `copyIndex()` without a name means (the resource's or output's own loop). */
  current?: string;
  /** Lower-cased loop name → index. */
  indexes: ReadonlyMap<string, number>;
}

export class EngineContext {
  readonly params = new Map<string, unknown>();
  variable: (name: string, chain: readonly string[]) => Promise<unknown> = async (name) => {
    throw invalidTemplate(`The template variable '${name}' is not found. Please see https://aka.ms/arm-template/#variables for usage details.`);
  };
  userFunction: (scope: EngineScope, ns: string, member: string) => ((args: unknown[]) => Promise<unknown>) | undefined = () => undefined;
  resources: ResourceLookup = { find: () => undefined };
  referenceMode: ReferenceMode = 'plan';

  constructor(
    readonly template: Template,
    readonly scope: DeploymentScope,
    readonly gateway: ResourceGateway,
    readonly mode: DeploymentMode,
    readonly displayedParameters: () => Record<string, unknown>,
  ) {}

  deploymentScopeId(): string {
    return this.scope.resourceGroup ? this.scope.resourceGroup.id : `/subscriptions/${this.scope.subscriptionId}`;
  }

  async reference(target: string, apiVersion: string | undefined, full: boolean, box: DeferBox, allowed: boolean): Promise<unknown> {
    if (!allowed || this.referenceMode === 'plan') throw notExpectedHere('reference');
    const mine = this.resources.find(target);
    if (!mine && !target.startsWith('/')) {
      throw invalidTemplate(`The template reference '${target}' is not valid: could not find template resource or resource copy with this name. Please see https://aka.ms/arm-function-reference for usage details.`);
    }
    if (this.referenceMode === 'validate' || (mine && this.referenceMode === 'whatIf')) {
      box.hit = true;
      throw new DeferredValue();
    }
    if (mine && !mine.enabled) {
      throw invalidTemplate(`The template reference '${target}' is not valid: the resource is not deployed because its condition is false. Please see https://aka.ms/arm-function-reference for usage details.`);
    }
    const id = mine ? mine.id : target;
    const version = apiVersion ?? mine?.apiVersion ?? this.newestApiVersion(providerTypeOfId(id), 'reference');
    const got = await this.gateway.get(id, version);
    if (got.status === 404 || got.body === undefined) throw resourceNotFound(id);
    const body = got.body as Record<string, unknown>;
    // 'Full' is the resource with its api-version, as Azure returns it; otherwise its properties.
    return full ? { apiVersion: version, ...body } : (body.properties ?? {});
  }

  async list(fn: string, resourceId: string, apiVersion: string, body: unknown, box: DeferBox, allowed: boolean): Promise<unknown> {
    if (!allowed || this.referenceMode === 'plan') throw notExpectedHere(fn);
    const mine = this.resources.find(resourceId);
    if (this.referenceMode === 'validate' || (mine && this.referenceMode === 'whatIf')) {
      box.hit = true;
      throw new DeferredValue();
    }
    const res = await this.gateway.post(mine ? mine.id : resourceId, fn, apiVersion, body);
    return res.body;
  }

  newestApiVersion(type: string, fn: string): string {
    const versions = this.gateway.apiVersionsOf(type);
    const newest = versions?.[versions.length - 1];
    if (!newest) throw invalidTemplate(`The template function '${fn}' is not valid: the api-version of resource type '${type}' could not be determined; please pass it explicitly. Please see https://aka.ms/arm-functions for usage details.`);
    return newest;
  }
}

export interface ScopeOptions {
  location: string;
  copy?: CopyState;
  inParameterDefault?: boolean;
  /** Variables being evaluated, for cycle detection. */
  variableChain?: readonly string[];
  /** False in names, conditions, dependsOn, variables and parameter defaults. */
  allowReference?: boolean;
  /** Inside a user function: its arguments replace parameters(), and variables/reference are refused. */
  functionArgs?: ReadonlyMap<string, unknown>;
  defer?: DeferBox;
}

export class EngineScope implements EvaluationScope {
  constructor(
    readonly ctx: EngineContext,
    readonly opts: ScopeOptions,
  ) {}

  get location(): string {
    return this.opts.location;
  }
  get inParameterDefault(): boolean {
    return this.opts.inParameterDefault === true;
  }

  /** The same scope elsewhere / with more loop indexes / with a fresh defer box. */
  with(more: Partial<ScopeOptions>): EngineScope {
    return new EngineScope(this.ctx, { ...this.opts, ...more });
  }

  withLoop(name: string, index: number, makeCurrent: boolean): EngineScope {
    const indexes = new Map(this.opts.copy?.indexes ?? []);
    indexes.set(name.toLowerCase(), index);
    const current = makeCurrent || !this.opts.copy?.current ? name : this.opts.copy.current;
    return this.with({ copy: { current, indexes } });
  }

  parameter(name: string): unknown {
    const source = this.opts.functionArgs ?? this.ctx.params;
    const key = name.toLowerCase();
    if (!source.has(key)) {
      throw invalidTemplate(`The template parameter '${name}' is not found. Please see https://aka.ms/arm-template/#parameters for usage details.`);
    }
    return source.get(key);
  }

  variable(name: string): Promise<unknown> {
    if (this.opts.functionArgs) return Promise.reject(notExpectedHere('variables', 'User-defined functions cannot use variables.'));
    if (this.opts.inParameterDefault) return Promise.reject(notExpectedHere('variables', 'Parameter default values cannot use variables.'));
    return this.ctx.variable(name, this.opts.variableChain ?? []);
  }

  copyIndex(loopName: string | undefined): number {
    const copy = this.opts.copy;
    const name = (loopName ?? copy?.current)?.toLowerCase();
    const index = name === undefined ? undefined : copy?.indexes.get(name);
    if (index === undefined) {
      if (loopName) throw invalidTemplate(`The template function 'copyIndex' is not valid: the copy loop '${loopName}' is not found at this location. Please see https://aka.ms/arm-copy for usage details.`);
      throw notExpectedHere('copyIndex', 'The function can only be used in a resource, property, variable or output with copy specified.');
    }
    return index;
  }

  resourceGroup(): Record<string, unknown> {
    const rg = this.ctx.scope.resourceGroup;
    if (!rg) throw notExpectedHere('resourceGroup');
    return {
      id: rg.id,
      name: rg.name,
      type: 'Microsoft.Resources/resourceGroups',
      location: rg.location,
      ...(rg.managedBy ? { managedBy: rg.managedBy } : {}),
      tags: rg.tags ?? {},
      properties: { provisioningState: 'Succeeded' },
    };
  }

  subscription(): Record<string, unknown> {
    const s = this.ctx.scope;
    return { id: `/subscriptions/${s.subscriptionId}`, subscriptionId: s.subscriptionId, tenantId: s.tenantId, displayName: s.subscriptionDisplayName };
  }

  tenant(): Record<string, unknown> {
    const t = this.ctx.scope.tenantId;
    return { countryCode: 'US', displayName: 'Amity', id: `/tenants/${t}`, tenantId: t };
  }

  deployment(): Record<string, unknown> {
    const s = this.ctx.scope;
    return {
      name: s.deploymentName,
      ...(s.location && !s.resourceGroup ? { location: s.location } : {}),
      properties: {
        template: this.ctx.template.raw,
        templateHash: templateHash(this.ctx.template.raw),
        parameters: this.ctx.displayedParameters(),
        mode: this.ctx.mode,
        provisioningState: 'Accepted',
      },
    };
  }

  environment(): Record<string, unknown> {
    const rm = withSlash(this.ctx.scope.resourceManagerUrl);
    return {
      name: 'Amity',
      gallery: '',
      graph: '',
      portal: '',
      graphAudience: '',
      activeDirectoryDataLake: '',
      batch: '',
      media: '',
      sqlManagement: '',
      vmImageAliasDoc: '',
      resourceManager: rm,
      authentication: {
        loginEndpoint: withSlash(this.ctx.scope.loginEndpoint),
        audiences: [rm, 'https://management.core.windows.net/', 'https://management.azure.com/'],
        tenant: 'common',
        identityProvider: 'AAD',
      },
      suffixes: {},
    };
  }

  reference(resourceIdOrName: string, apiVersion: string | undefined, full: boolean): Promise<unknown> {
    return this.ctx.reference(resourceIdOrName, apiVersion, full, this.opts.defer ?? { hit: false }, this.referenceAllowed());
  }

  list(functionName: string, resourceId: string, apiVersion: string, body: unknown): Promise<unknown> {
    return this.ctx.list(functionName, resourceId, apiVersion, body, this.opts.defer ?? { hit: false }, this.referenceAllowed());
  }

  userFunction(namespace: string, member: string): ((args: unknown[]) => Promise<unknown>) | undefined {
    // Azure: a user-defined function cannot call another user-defined function.
    if (this.opts.functionArgs) throw invalidTemplate(`The template function '${namespace}.${member}' is not valid: user-defined functions cannot call other user-defined functions. Please see https://aka.ms/arm-user-defined-functions for usage details.`);
    return this.ctx.userFunction(this, namespace, member);
  }

  private referenceAllowed(): boolean {
    return this.opts.allowReference === true && !this.opts.functionArgs && !this.opts.inParameterDefault;
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
