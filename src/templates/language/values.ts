/** JSON value helpers with ARM's (Newtonsoft JToken) view of types and equality. */

export type JsonObject = Record<string, unknown>;

/** The JToken type names Azure's messages use. */
export type ArmType = 'String' | 'Integer' | 'Float' | 'Boolean' | 'Array' | 'Object' | 'Null' | 'Lambda';

/** A `lambda(...)` value: only meaningful as an argument of filter, map, reduce, sort and the like. */
export class LambdaValue {
  constructor(
    readonly parameters: readonly string[],
    readonly invoke: (args: readonly unknown[]) => Promise<unknown>,
  ) {}
}

export function typeOf(v: unknown): ArmType {
  if (v === null || v === undefined) return 'Null';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'number') return Number.isInteger(v) ? 'Integer' : 'Float';
  if (typeof v === 'boolean') return 'Boolean';
  if (Array.isArray(v)) return 'Array';
  if (v instanceof LambdaValue) return 'Lambda';
  return 'Object';
}

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof LambdaValue);
}

/** JToken.DeepEquals: order matters in arrays, not in objects; strings compare ordinally. */
export function deepEquals(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEquals(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEquals(a[k], b[k]));
  }
  return false;
}

/** Property lookup as ARM does it: exact first, then case-insensitive (JSON property names are case-insensitive in ARM). */
export function getProperty(o: JsonObject, name: string): { found: true; value: unknown } | { found: false } {
  if (Object.prototype.hasOwnProperty.call(o, name)) return { found: true, value: o[name] };
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return { found: true, value: o[k] };
  return { found: false };
}

/** JToken.ToString(Formatting.None) for containers, .NET's ToString for scalars (`True`, not `true`). */
export function toArmString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}
