/**
 * The template's resources, flattened (nested child `resources` joined to their parent's type and name) and
 * expanded (`copy` loops into instances), with type, name, apiVersion, scope, condition and dependsOn
 * evaluated. Only reference()-free parts are evaluated here; bodies are evaluated when each resource deploys.
 */
import { LIMITS } from './template.js';
import { invalidTemplate, resourceInvalid, AT } from './errors.js';
import { isObject, type JsonObject } from './json.js';
import { evaluateCopy, type CopySpec } from './copy.js';
import { resourceIdFor } from './ids.js';
import { EngineScope, type EngineContext } from './scope.js';
import { evaluateText, evaluateTree } from './walk.js';
import { referencedTargets } from './references.js';

/** Keys that describe the resource to the engine and are not part of the PUT body. */
export const TEMPLATE_ONLY_KEYS = ['apiVersion', 'type', 'name', 'dependsOn', 'copy', 'condition', 'comments', 'scope', 'resources'];

export interface Instance {
  index: number;
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  enabled: boolean;
  /** The resource JSON as written, nested `resources` removed. */
  raw: JsonObject;
  path: string;
  /** Scope for this instance (copy indexes set, reference() allowed). */
  scope: EngineScope;
  copy?: { spec: CopySpec; index: number };
  /** dependsOn entries, evaluated. */
  dependsOnRaw: string[];
  /** reference()/list*() targets found in the body. */
  referenced: string[];
  /** The parent instance of a nested child resource. */
  parent?: Instance;
  /** Resolved by graph.ts. */
  dependsOn: Instance[];
  implicit: Set<Instance>;
}

export function bodyOf(raw: JsonObject): JsonObject {
  const body: JsonObject = {};
  for (const [k, v] of Object.entries(raw)) if (!TEMPLATE_ONLY_KEYS.includes(k)) body[k] = v;
  return body;
}

export async function expandResources(ctx: EngineContext): Promise<Instance[]> {
  const out: Instance[] = [];
  const base = new EngineScope(ctx, { location: 'resources', allowReference: true });
  for (const [i, raw] of ctx.template.resources.entries()) await expand(ctx, raw, `resources[${i}]`, base, undefined, out);
  if (out.length > LIMITS.resources) {
    throw invalidTemplate(`The number of resources '${out.length}' in the template exceeds the maximum allowed limit of '${LIMITS.resources}'. Please see https://aka.ms/arm-template-limits for usage details.`);
  }
  return out;
}

async function expand(ctx: EngineContext, raw: unknown, path: string, scope: EngineScope, parent: Instance | undefined, out: Instance[]): Promise<void> {
  if (!isObject(raw)) throw invalidTemplate(`The template resource at '${path}' ${AT} is not valid: a resource must be an object. Please see https://aka.ms/arm-template/#resources for usage details.`);
  // `existing` belongs to symbolic-name templates; in a languageVersion 1.0 template the resource is only a reference: nothing to deploy.
  if (raw.existing === true) return;
  if (raw.copy !== undefined && !isObject(raw.copy)) throw invalidTemplate(`The template resource at '${path}' ${AT} is not valid: 'copy' must be an object. Please see https://aka.ms/arm-copy for usage details.`);
  const spec = raw.copy ? await evaluateCopy(raw.copy, scope.with({ location: `${path}.copy`, allowReference: false }), `${path}.copy`) : undefined;
  const count = spec ? spec.count : 1;
  for (let n = 0; n < count; n++) {
    const instScope = spec ? scope.withLoop(spec.name, n, true) : scope;
    const inst = await instance(ctx, raw, path, instScope, parent, out.length);
    if (spec) inst.copy = { spec, index: n };
    out.push(inst);
    const children = raw.resources;
    if (children !== undefined) {
      if (!Array.isArray(children)) throw resourceInvalid(inst.name, "'resources' must be an array");
      for (const [c, child] of children.entries()) await expand(ctx, child, `${path}.resources[${c}]`, instScope, inst, out);
    }
  }
}

async function instance(ctx: EngineContext, raw: JsonObject, path: string, scope: EngineScope, parent: Instance | undefined, index: number): Promise<Instance> {
  const planScope = scope.with({ allowReference: false });
  const text = async (key: string): Promise<unknown> => (raw[key] === undefined ? undefined : evaluateTree(raw[key], planScope.with({ location: `${path}.${key}` }), `${path}.${key}`));
  const nameValue = await text('name');
  const typeValue = await text('type');
  const apiVersion = await text('apiVersion');
  const shownName = typeof nameValue === 'string' ? nameValue : path;
  if (typeof typeValue !== 'string' || typeValue === '') throw resourceInvalid(shownName, "the resource 'type' is required and must be a string");
  if (typeof nameValue !== 'string' || nameValue === '') throw resourceInvalid(shownName, "the resource 'name' is required and must be a string");
  if (typeof apiVersion !== 'string' || apiVersion === '') throw resourceInvalid(nameValue, "the resource 'apiVersion' is required and must be a string");
  let name: string = nameValue;
  let type: string = typeValue;
  if (parent) {
    // A nested child may give its short type and name ('federatedIdentityCredentials', 'cred') or the full ones.
    if (!type.includes('/')) type = `${parent.type}/${type}`;
    if (name.split('/').length < type.split('/').length - 1) name = `${parent.name}/${name}`;
  }
  if (type.split('/').length - 1 !== name.split('/').length) {
    throw invalidTemplate(
      `The template resource '${name}' for type '${type}' ${AT} has incorrect segment lengths. A nested resource type must have identical number of segments as its resource name. A root resource type must have segment length one greater than its resource name. Please see https://aka.ms/arm-template/#resources for usage details.`,
    );
  }

  let scopeId = ctx.deploymentScopeId();
  const scopeValue = await text('scope');
  if (scopeValue !== undefined) {
    if (typeof scopeValue !== 'string' || scopeValue === '') throw resourceInvalid(name, "'scope' must be a resource id");
    // An extension resource: `scope` is a full id, or `Microsoft.X/y/name` relative to the deployment's scope.
    scopeId = scopeValue.startsWith('/') ? scopeValue.replace(/\/+$/, '') : `${ctx.deploymentScopeId()}/providers/${scopeValue}`;
  } else if (parent && parent.id && !parent.type.toLowerCase().startsWith('microsoft.resources/resourcegroups')) {
    // A child of an extension resource lives under the same scope as its parent.
    const parentScope = parent.id.slice(0, parent.id.toLowerCase().lastIndexOf('/providers/'));
    if (parentScope) scopeId = parentScope;
  }
  const id = resourceIdFor(scopeId, type, name);

  let enabled = true;
  if (raw.condition !== undefined) {
    const c = await text('condition');
    if (typeof c !== 'boolean') throw resourceInvalid(name, `the condition must evaluate to a boolean, not '${JSON.stringify(c)}'`);
    enabled = c;
  }

  const dependsOnRaw: string[] = [];
  if (raw.dependsOn !== undefined) {
    if (!Array.isArray(raw.dependsOn)) throw resourceInvalid(name, "'dependsOn' must be an array");
    for (const [d, entry] of raw.dependsOn.entries()) {
      const v = typeof entry === 'string' ? await evaluateText(entry, planScope, `${path}.dependsOn[${d}]`) : entry;
      if (typeof v !== 'string' || v === '') throw resourceInvalid(name, `dependsOn[${d}] must be a resource name or id`);
      dependsOnRaw.push(v);
    }
  }
  const body = bodyOf(raw);
  return {
    index,
    id,
    type,
    name,
    apiVersion,
    enabled,
    raw: Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'resources')),
    path,
    scope: scope.with({ location: path, allowReference: true }),
    dependsOnRaw,
    referenced: await referencedTargets(body, planScope),
    parent,
    dependsOn: [],
    implicit: new Set(),
  };
}
