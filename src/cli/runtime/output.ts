import { UsageError } from './errors.js';

export const OUTPUT_FORMATS = ['json', 'jsonc', 'table', 'tsv', 'yaml', 'yamlc', 'none'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A command's own table layout (az's `table_transformer`), used for `-o table` when no `--query` is given. */
export type TableTransformer = (result: unknown) => unknown;

/** Applies `--query` (JMESPath) and renders in the chosen format, the way az (knack) does. */
export async function renderResult(result: unknown, format: OutputFormat, query: string | undefined, colour: boolean, table?: TableTransformer): Promise<string> {
  let value = result;
  // knack's tsv sorts the keys of objects the command returned but keeps the order of objects a query built
  // (`{name: name, id: id}`): remember which objects came from the command.
  const original = new WeakSet<object>();
  if (query !== undefined) {
    collectObjects(result, original);
    // Loaded only when a query is given: most commands never need it.
    const jmespath = (await import('jmespath')).default;
    try {
      value = jmespath.search(result as never, query);
    } catch (e) {
      throw new UsageError(`argument --query: invalid jmespath_type value: '${query}' (${(e as Error).message})`);
    }
  }
  // az prints nothing for a command that returned None, but `null` for a query that found nothing.
  if (value === undefined) return '';
  switch (format) {
    case 'none':
      return '';
    case 'json':
      return `${stringifySorted(value, false)}\n`;
    case 'jsonc':
      return `${stringifySorted(value, colour)}\n`;
    case 'yaml':
    case 'yamlc':
      return renderYaml(value);
    case 'table':
      return renderTable(table && query === undefined ? table(value) : value, query === undefined && !table);
    case 'tsv':
      return renderTsv(value, query === undefined ? undefined : original);
  }
}

function collectObjects(value: unknown, into: WeakSet<object>): void {
  if (value === null || typeof value !== 'object' || into.has(value)) return;
  into.add(value);
  for (const v of Object.values(value)) collectObjects(v, into);
}

/** az prints JSON with sorted keys and two-space indent; jsonc adds colour on a terminal. */
export function stringifySorted(value: unknown, colour: boolean, indent = ''): string {
  const inner = `${indent}  `;
  if (value === null || value === undefined) return paint('null', '\x1b[90m', colour);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + stringifySorted(v, colour, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return '{}';
    const entries = keys.map((k) => `${inner}${paint(JSON.stringify(k), '\x1b[94m', colour)}: ${stringifySorted((value as Record<string, unknown>)[k], colour, inner)}`);
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  if (typeof value === 'string') return paint(JSON.stringify(value), '\x1b[32m', colour);
  return paint(JSON.stringify(value), '\x1b[33m', colour);
}

function paint(text: string, code: string, colour: boolean): string {
  return colour ? `${code}${text}\x1b[0m` : text;
}

/** PyYAML's safe_dump as knack calls it: block style, sorted keys, lists not indented under their key. */
async function renderYaml(value: unknown): Promise<string> {
  const { dump } = await import('js-yaml');
  return dump(value, { sortKeys: true, lineWidth: -1, noRefs: true, seqNoIndent: true });
}

const TABLE_SKIP_KEYS = new Set(['id', 'type', 'etag']);

/**
 * knack's automatic table through tabulate's "simple" format: one row per object, its scalar fields as columns
 * (sorted unless a query or a transformer chose them), every cell left-aligned, lines without trailing spaces.
 */
export function renderTable(value: unknown, sortKeys: boolean): string {
  const items = Array.isArray(value) ? value : [value];
  const rows = items.map((item) => tableRow(item, sortKeys));
  const headers: string[] = [];
  for (const row of rows) for (const k of row.keys()) if (!headers.includes(k)) headers.push(k);
  if (headers.length === 0) return '\n';
  const cells = rows.map((row) => headers.map((h) => (row.has(h) ? scalarText(row.get(h)) : '')));
  // tabulate keeps two spaces of room beside each header (MIN_PADDING).
  const widths = headers.map((h, i) => Math.max(h.length + 2, ...cells.map((c) => c[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return `${[line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n')}\n`;
}

function tableRow(item: unknown, sortKeys: boolean): Map<string, unknown> {
  const row = new Map<string, unknown>();
  if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
    const keys = sortKeys ? Object.keys(item).sort() : Object.keys(item);
    for (const k of keys) {
      const v = (item as Record<string, unknown>)[k];
      if (TABLE_SKIP_KEYS.has(k) || v === null || v === undefined || typeof v === 'object') continue;
      row.set(k.charAt(0).toUpperCase() + k.slice(1), v);
    }
  } else if (Array.isArray(item)) {
    item.forEach((v, i) => row.set(`Column${i + 1}`, v));
  } else {
    row.set('Result', item);
  }
  return row;
}

/** Python's str() of a scalar, as az prints it in table and tsv output. */
function scalarText(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  return String(v);
}

/**
 * knack's tsv: one line per item; objects give their values in key order (sorted, except objects a query built,
 * which keep theirs), nested lists their length, nested objects nothing; a bare boolean prints lower-case.
 */
export function renderTsv(value: unknown, fromCommand?: WeakSet<object>): string {
  const items = Array.isArray(value) ? value : [value];
  return items
    .map((item) => {
      if (item !== null && typeof item === 'object') {
        const keepOrder = fromCommand !== undefined && !Array.isArray(item) && !fromCommand.has(item);
        const keys = keepOrder ? Object.keys(item) : Object.keys(item).sort();
        const values = Array.isArray(item) ? item : keys.map((k) => (item as Record<string, unknown>)[k]);
        return values.map(tsvCell).join('\t');
      }
      if (typeof item === 'boolean') return String(item);
      return tsvCell(item);
    })
    .map((line) => `${line}\n`)
    .join('');
}

function tsvCell(v: unknown): string {
  if (Array.isArray(v)) return String(v.length);
  if (v !== null && typeof v === 'object') return '';
  return scalarText(v);
}
