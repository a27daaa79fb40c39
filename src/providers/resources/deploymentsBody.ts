import JSON5 from 'json5';

/**
 * The deployment PUT, validate and what-if bodies az sends are JSONC, not JSON: its JsonCTemplatePolicy splices the
 * template file's raw text, comments included, in after an unquoted `template:` key. Those routes, and only those,
 * read a body strict JSON refuses with a JSON5 parser (a superset of JSONC).
 */
const JSONC_ROUTE = /\/providers\/microsoft\.resources\/deployments\/[^/?]+(\/(validate|whatif))?\/?(\?|$)/i;

export function acceptsJsonc(method: string | undefined, url: string | undefined): boolean {
  return (method === 'PUT' || method === 'POST') && JSONC_ROUTE.test(url ?? '');
}

export function parseJsonc(text: string): unknown {
  return JSON5.parse(text);
}
