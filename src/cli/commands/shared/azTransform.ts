/**
 * What az does to every command's result before printing it, so our output matches field for field: a
 * `resourceGroup` added to each object (at any depth) whose ARM id names one, and datetimes printed by Python.
 */

/** az's `_parse_id`: the group of an id with at least nine segments whose fourth is `resourceGroups`, else undefined. */
function groupOfId(id: unknown): string | undefined {
  if (typeof id !== 'string' || !id) return undefined;
  const parts = id.split('/');
  if (parts.length < 9 || parts[3]?.toLowerCase() !== 'resourcegroups') return undefined;
  return parts[4];
}

/** az's global `_resource_group_transform`, applied to a copy. */
export function addResourceGroups<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => addResourceGroups(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) out[k] = k === 'sourceVault' ? v : addResourceGroups(v);
  if (!Object.keys(source).some((k) => k.toLowerCase() === 'resourcegroup')) {
    const group = groupOfId(source.id);
    if (group !== undefined) out.resourceGroup = group;
  }
  return out as T;
}

/**
 * An ISO 8601 instant as az prints a datetime its SDK parsed (Python's isoformat): microseconds (omitted when
 * zero) and `+00:00` for UTC. Anything that is not such an instant is returned unchanged.
 */
export function pythonIso(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i.exec(value);
  if (!m) return value;
  const micro = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return `${m[1]}${/^0+$/.test(micro) ? '' : `.${micro}`}${m[3].toUpperCase() === 'Z' ? '+00:00' : m[3]}`;
}

/** The model's fields in order, null where absent (az prints every attribute of its SDK models). */
export function fieldsOf(source: unknown, fields: readonly string[]): Record<string, unknown> {
  const s = (source ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f, s[f] ?? null]));
}
