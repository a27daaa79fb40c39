/**
 * az prints what its Python SDK model holds: every attribute of the model, null when the server left it out, and
 * `resourceGroup` added from the id. These helpers give our output the same shape.
 */

/** The resource group named in an ARM id, as az adds it to results. */
export function resourceGroupOf(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const m = /\/resourcegroups\/([^/]+)/i.exec(id);
  return m ? decodeURIComponent(m[1]) : undefined;
}

/** The model's fields, in any order (output sorts them), null where the reply lacks them. */
export function modelOf(body: unknown, fields: readonly string[]): Record<string, unknown> {
  const source = (body ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = source[f] ?? null;
  return out;
}

/** A flattened model (az's SDK models flatten `properties.*` to the top for most resources), plus `resourceGroup`. */
export function flattenedModelOf(body: unknown, fields: readonly string[], propertyFields: readonly string[]): Record<string, unknown> {
  const source = (body ?? {}) as Record<string, unknown>;
  const properties = (source.properties ?? {}) as Record<string, unknown>;
  const out = modelOf(source, fields);
  for (const f of propertyFields) out[f] = properties[f] ?? null;
  return withResourceGroup(out);
}

export function withResourceGroup<T extends Record<string, unknown>>(item: T): T & { resourceGroup?: string } {
  const group = resourceGroupOf(item.id);
  return group === undefined ? item : { ...item, resourceGroup: group };
}
