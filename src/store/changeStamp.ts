/**
 * Role assignments, role definitions and deployments have no etag column: their etag is derived from the row's key and
 * `changed_at` (src/arm/preconditions.ts, versionEtag), so `changed_at` is their version. Each write sets it with this
 * and compares-and-swaps on the one it replaces (`where changed_at = <the version read>`).
 */

/**
 * The `changed_at` of a row's next version: now, or 1 ms after the version it replaces when now is not later (two
 * writes within one millisecond, or this node's clock behind the writer's), so a new version never shares the etag of
 * the one before it. ISO 8601 instants of one format, so they also order as text.
 */
export function nextChangedAt(previous: string | undefined, now: Date = new Date()): string {
  if (previous === undefined) return now.toISOString();
  const before = Date.parse(previous);
  if (Number.isNaN(before) || now.getTime() > before) return now.toISOString();
  return new Date(before + 1).toISOString();
}
