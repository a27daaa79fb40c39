/**
 * What-if property deltas: the template's view of a resource against its current state, as Azure's
 * propertyChangeType entries (`properties.foo`, `tags.env`; objects flattened into dotted paths, arrays as
 * `Array` with indexed children). Read-only server properties never count as changes.
 */
import type { WhatIfPropertyChange } from './contract.js';
import { deepEqual, isObject } from './json.js';

/**
 * Top-level members the server owns (or that only name the resource): never a difference. Below the top level
 * only members the template declares are compared, so server-set values (an identity's principalId, clientId,
 * tenantId, provisioningState...) never show up, while a role assignment's declared principalId still does.
 */
export const READ_ONLY = new Set(['id', 'name', 'type', 'apiversion', 'etag', 'systemdata']);

/** Members where the current state's extra keys are the user's data (a tag removed is a change); elsewhere extra keys are server defaults. */
const FULLY_OWNED = new Set(['tags']);

function normalLocation(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase().replace(/\s+/g, '') : v;
}

export function computeDelta(before: Record<string, unknown>, after: Record<string, unknown>): WhatIfPropertyChange[] {
  const out: WhatIfPropertyChange[] = [];
  for (const key of Object.keys(after).sort()) {
    if (READ_ONLY.has(key.toLowerCase())) continue;
    let a = after[key];
    let b = before[key];
    if (key === 'location') {
      a = normalLocation(a);
      b = normalLocation(b);
    }
    diff(key, b, a, FULLY_OWNED.has(key), out);
  }
  for (const key of Object.keys(before).sort()) {
    if (FULLY_OWNED.has(key) && !(key in after) && isObject(before[key]) && Object.keys(before[key] as object).length) {
      diff(key, before[key], {}, true, out);
    }
  }
  return out;
}

function diff(path: string, before: unknown, after: unknown, owned: boolean, out: WhatIfPropertyChange[]): void {
  if (before === undefined) {
    if (after !== undefined) out.push({ path, propertyChangeType: 'Create', after });
    return;
  }
  if (isObject(before) && isObject(after)) {
    for (const k of Object.keys(after).sort()) {
      if (k.toLowerCase() === 'provisioningstate') continue;
      diff(`${path}.${k}`, before[k], after[k], owned, out);
    }
    if (owned) for (const k of Object.keys(before).sort()) if (!(k in after)) out.push({ path: `${path}.${k}`, propertyChangeType: 'Delete', before: before[k] });
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (declaredEqual(before, after)) return;
    const children: WhatIfPropertyChange[] = [];
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) {
      if (i >= before.length) children.push({ path: String(i), propertyChangeType: 'Create', after: after[i] });
      else if (i >= after.length) children.push({ path: String(i), propertyChangeType: 'Delete', before: before[i] });
      else if (!declaredEqual(before[i], after[i])) children.push({ path: String(i), propertyChangeType: 'Modify', before: before[i], after: after[i] });
    }
    out.push({ path, propertyChangeType: 'Array', before, after, children });
    return;
  }
  if (!deepEqual(before, after)) out.push({ path, propertyChangeType: 'Modify', before, after });
}

/** Equal as far as the template says: members the server added to an object are not a difference. */
function declaredEqual(before: unknown, after: unknown): boolean {
  if (isObject(before) && isObject(after)) return Object.keys(after).every((k) => declaredEqual(before[k], after[k]));
  if (Array.isArray(before) && Array.isArray(after)) return before.length === after.length && after.every((x, i) => declaredEqual(before[i], x));
  return deepEqual(before, after);
}
