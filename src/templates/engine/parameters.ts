/**
 * Template parameters: declarations checked, deployment values matched (case-insensitively) and type-checked,
 * defaults evaluated in declaration order (a default may use earlier parameters, utcNow() and newGuid()),
 * allowedValues and length/value bounds enforced, with Azure's messages.
 */
import type { DisplayedParameters, ParameterValues } from './contract.js';
import { AT, invalidTemplate } from './errors.js';
import { deepEqual, isObject, jtokenType } from './json.js';
import type { EngineContext } from './scope.js';
import { EngineScope } from './scope.js';
import { evaluateTree } from './walk.js';

type ParamType = 'string' | 'securestring' | 'int' | 'bool' | 'object' | 'secureobject' | 'array';

const DISPLAY: Record<ParamType, string> = {
  string: 'String',
  securestring: 'SecureString',
  int: 'Int',
  bool: 'Bool',
  object: 'Object',
  secureobject: 'SecureObject',
  array: 'Array',
};

/** The JToken type(s) Azure expects for a parameter type, as its message spells them. */
const EXPECTED: Record<ParamType, string> = {
  string: 'String, Uri',
  securestring: 'String, Uri',
  int: 'Integer',
  bool: 'Boolean',
  object: 'Object',
  secureobject: 'Object',
  array: 'Array',
};

const MEMBERS = new Set(['type', 'defaultValue', 'allowedValues', 'minLength', 'maxLength', 'minValue', 'maxValue', 'metadata', 'nullable']);

export interface ResolvedParameters {
  displayed: DisplayedParameters;
  secretValues: string[];
  /** Declared name → value, defaults included. */
  values: ParameterValues;
}

function typeMatches(type: ParamType, v: unknown): boolean {
  switch (type) {
    case 'string':
    case 'securestring':
      return typeof v === 'string';
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'object':
    case 'secureobject':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
  }
}

export async function resolveParameters(ctx: EngineContext, values: ParameterValues): Promise<ResolvedParameters> {
  const declared = ctx.template.parameters;
  const declaredLower = new Map(Object.keys(declared).map((k) => [k.toLowerCase(), k]));
  const unknown = Object.keys(values ?? {}).filter((k) => !declaredLower.has(k.toLowerCase()));
  if (unknown.length) {
    throw invalidTemplate(
      `The template parameters '${unknown.join(', ')}' in the parameters file are not valid; they are not present in the original template and can therefore not be provided at deployment time. The only supported parameters for this template are '${Object.keys(declared).join(', ')}'. Please see https://aka.ms/arm-pass-parameter-values for usage details.`,
    );
  }
  const given = new Map(Object.entries(values ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const displayed: DisplayedParameters = {};
  const secretValues: string[] = [];
  const resolved: ParameterValues = {};

  for (const [name, decl] of Object.entries(declared)) {
    if (name.startsWith('[')) {
      throw invalidTemplate(`The template parameter '${name}' ${AT} is not valid. The parameter name cannot be an expression. Please see https://aka.ms/arm-template/#parameters for usage details.`);
    }
    if (!isObject(decl)) throw invalidTemplate(`The template parameter '${name}' ${AT} is not valid. Please see https://aka.ms/arm-template/#parameters for usage details.`);
    for (const k of Object.keys(decl)) {
      if (!MEMBERS.has(k)) throw invalidTemplate(`The template parameter '${name}' ${AT} is not valid: could not find member '${k}'. Please see https://aka.ms/arm-template/#parameters for usage details.`);
    }
    const type = (typeof decl.type === 'string' ? decl.type.toLowerCase() : '') as ParamType;
    if (!(type in DISPLAY)) {
      throw invalidTemplate(
        `Template parameter '${name}' ${AT} has invalid type '${String(decl.type)}'. Supported types are 'String,SecureString,Int,Bool,Array,Object,SecureObject'. Please see https://aka.ms/arm-template/#parameters for usage details.`,
      );
    }
    if (decl.allowedValues !== undefined && (!Array.isArray(decl.allowedValues) || decl.allowedValues.length === 0)) {
      throw invalidTemplate(`The template parameter '${name}' ${AT} is not valid: the "allowedValues" array must contain one or more items. Please see https://aka.ms/arm-template/#parameters for usage details.`);
    }

    const entry = given.get(name.toLowerCase());
    let value: unknown;
    if (entry !== undefined && isObject(entry) && entry.reference !== undefined) {
      // Key Vault references need a Key Vault, which Amity does not have: refuse rather than pass a wrong value.
      throw invalidTemplate(
        `The template parameter '${name}' ${AT} is not valid: Key Vault references ('reference') are not supported by Amity; pass the value with 'value'. Please see https://aka.ms/arm-pass-parameter-values for usage details.`,
      );
    }
    if (entry !== undefined && isObject(entry) && entry.value !== undefined) {
      value = entry.value;
    } else if (decl.defaultValue !== undefined) {
      const scope = new EngineScope(ctx, { location: `parameters.${name}.defaultValue`, inParameterDefault: true });
      value = await evaluateTree(decl.defaultValue, scope, `parameters.${name}.defaultValue`);
    } else {
      throw invalidTemplate(`The value for the template parameter '${name}' ${AT} is not provided. Please see https://aka.ms/arm-create-parameter-file for usage details.`);
    }

    if (!typeMatches(type, value)) {
      throw invalidTemplate(`Template parameter JToken type is not valid. Expected '${EXPECTED[type]}'. Actual '${jtokenType(value)}'. Please see https://aka.ms/arm-deploy/#parameter-file for usage details.`);
    }
    checkAllowed(name, decl.allowedValues, value);
    await checkBounds(ctx, name, decl, value);

    ctx.params.set(name.toLowerCase(), value);
    resolved[name] = { value };
    const secure = type === 'securestring' || type === 'secureobject';
    displayed[name] = secure ? { type: DISPLAY[type] } : { type: DISPLAY[type], value };
    if (secure) collectSecrets(value, secretValues);
  }
  return { displayed, secretValues, values: resolved };
}

function checkAllowed(name: string, allowed: unknown, value: unknown): void {
  if (!Array.isArray(allowed)) return;
  // For an array parameter, Azure checks each element against allowedValues.
  const ok = Array.isArray(value) && !allowed.some(Array.isArray) ? value.every((v) => allowed.some((a) => deepEqual(a, v))) : allowed.some((a) => deepEqual(a, value));
  if (!ok) {
    const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
    throw invalidTemplate(
      `The provided value '${shown(value)}' for the template parameter '${name}' ${AT} is not valid. The parameter value is not part of the allowed value(s): '${allowed.map(shown).join(',')}'.`,
    );
  }
}

async function checkBounds(ctx: EngineContext, name: string, decl: Record<string, unknown>, value: unknown): Promise<void> {
  const bound = async (key: string): Promise<number | undefined> => {
    if (decl[key] === undefined) return undefined;
    const v = await evaluateTree(decl[key], new EngineScope(ctx, { location: `parameters.${name}.${key}`, inParameterDefault: true }), `parameters.${name}.${key}`);
    if (typeof v !== 'number') throw invalidTemplate(`The template parameter '${name}' ${AT} is not valid: '${key}' must be an integer. Please see https://aka.ms/arm-template/#parameters for usage details.`);
    return v;
  };
  const prefix = `The provided value for the template parameter '${name}' ${AT} is not valid.`;
  const suffix = 'Please see https://aka.ms/arm-deploy/#parameter-file for usage details.';
  if (typeof value === 'string' || Array.isArray(value)) {
    const minLength = await bound('minLength');
    const maxLength = await bound('maxLength');
    if (minLength !== undefined && value.length < minLength) throw invalidTemplate(`${prefix} Length of the value should be greater than or equal to '${minLength}'. ${suffix}`);
    if (maxLength !== undefined && value.length > maxLength) throw invalidTemplate(`${prefix} Length of the value should be less than or equal to '${maxLength}'. ${suffix}`);
  }
  if (typeof value === 'number') {
    const minValue = await bound('minValue');
    const maxValue = await bound('maxValue');
    const valued = `The provided value '${value}' for the template parameter '${name}' ${AT} is not valid.`;
    if (minValue !== undefined && value < minValue) throw invalidTemplate(`${valued} The value should be greater than or equal to '${minValue}'. ${suffix}`);
    if (maxValue !== undefined && value > maxValue) throw invalidTemplate(`${valued} The value should be less than or equal to '${maxValue}'. ${suffix}`);
  }
}

/** The strings a secure value could leak as: the whole value and every string inside it. */
function collectSecrets(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    if (value !== '') out.push(value);
    return;
  }
  if (value !== null && typeof value === 'object') {
    out.push(JSON.stringify(value));
    for (const v of Object.values(value)) collectSecrets(v, out);
  }
  // Numbers and booleans are not scrubbed: replacing every '1' in a log would destroy it and hide nothing.
}
