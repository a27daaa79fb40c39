import { armErrors } from '../../arm/errors.js';

/**
 * The `$filter` of Azure's generic resource list (Resources_List / Resources_ListByResourceGroup), as its REST
 * reference documents it: `eq`/`ne` on `resourceType`, `name`, `location` and `resourceGroup`, `substringof('x', name)`
 * and `substringof('x', resourceGroup)`, joined by `and`; or, on its own (ARM refuses tags mixed with anything else),
 * `tagName eq 'k' [and tagValue eq 'v']` or `startswith(tagName, 'prefix')`. `or` is not served (see README).
 * Anything else is ARM's `400 InvalidFilterInQueryString`.
 */
export type Field = 'resourceType' | 'name' | 'location' | 'resourceGroup';

export type Term =
  | { kind: 'compare'; field: Field; op: 'eq' | 'ne'; value: string }
  | { kind: 'substring'; field: 'name' | 'resourceGroup'; value: string };

export interface TagFilter {
  name: string;
  /** `tagName eq … and tagValue eq …`: the value (case-sensitive, as Azure's tag values). */
  value?: string;
  /** `startswith(tagName, …)`: `name` is a prefix. */
  prefix?: boolean;
}

export interface ResourceFilter {
  terms: Term[];
  tag?: TagFilter;
}

const FIELDS: readonly Field[] = ['resourceType', 'name', 'location', 'resourceGroup'];

export function invalidFilter(filter: string): Error {
  return armErrors.badRequest('InvalidFilterInQueryString', `Invalid $filter '${filter}' specified in the query string.`);
}

/** Parses the filter; `undefined` or blank is no filter. */
export function parseResourceFilter(filter: string | undefined): ResourceFilter {
  if (filter === undefined || filter.trim() === '') return { terms: [] };
  const bad = () => invalidFilter(filter);
  // Quoted strings (with '' for a quote), parentheses, commas and bare words.
  const tokens = filter.match(/'(?:[^']|'')*'|\(|\)|,|[^\s(),']+/g) ?? [];
  let i = 0;
  const next = () => tokens[i++];
  const peekLower = () => tokens[i]?.toLowerCase();
  const expect = (t: string) => {
    if (next()?.toLowerCase() !== t) throw bad();
  };
  const str = (): string => {
    const t = next();
    if (!t || t.length < 2 || !t.startsWith("'") || !t.endsWith("'")) throw bad();
    return t.slice(1, -1).replace(/''/g, "'");
  };

  const terms: Term[] = [];
  let tagName: string | undefined;
  let tagValue: string | undefined;
  let tagPrefix = false;
  for (;;) {
    const word = next();
    const lower = word?.toLowerCase();
    if (lower === 'substringof') {
      expect('(');
      const value = str();
      expect(',');
      const field = fieldOf(next());
      expect(')');
      if (field !== 'name' && field !== 'resourceGroup') throw bad();
      terms.push({ kind: 'substring', field, value });
    } else if (lower === 'startswith') {
      expect('(');
      if (next()?.toLowerCase() !== 'tagname') throw bad();
      expect(',');
      if (tagName !== undefined) throw bad();
      tagName = str();
      tagPrefix = true;
      expect(')');
    } else if (lower === 'tagname' || lower === 'tagvalue') {
      expect('eq');
      const value = str();
      if (lower === 'tagname') {
        if (tagName !== undefined) throw bad();
        tagName = value;
      } else {
        if (tagValue !== undefined) throw bad();
        tagValue = value;
      }
    } else {
      const field = fieldOf(word);
      const op = next()?.toLowerCase();
      if (op !== 'eq' && op !== 'ne') throw bad();
      terms.push({ kind: 'compare', field, op, value: str() });
    }
    if (i === tokens.length) break;
    if (peekLower() !== 'and') throw bad();
    next();
  }

  if (tagName === undefined && tagValue === undefined) return { terms };
  // Tags stand alone; a value needs its name; a prefix takes no value.
  if (terms.length > 0 || tagName === undefined || (tagPrefix && tagValue !== undefined)) throw bad();
  return { terms, tag: { name: tagName, ...(tagValue !== undefined ? { value: tagValue } : {}), ...(tagPrefix ? { prefix: true } : {}) } };

  function fieldOf(t: string | undefined): Field {
    const f = FIELDS.find((x) => x.toLowerCase() === t?.toLowerCase());
    if (!f) throw bad();
    return f;
  }
}
