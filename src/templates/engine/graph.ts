/**
 * The dependency graph: dependsOn entries (names, `type/name`, `ns/type/name`, full ids, copy loop names)
 * resolved against the template's resources, implicit reference()/list*() dependencies and nested-child →
 * parent edges added, serial copy batches chained, and cycles refused with Azure's message.
 */
import { invalidTemplate } from './errors.js';
import { providerTailOfId } from './ids.js';
import type { Instance } from './resources.js';
import type { ResourceLookup, TemplateResourceRef } from './scope.js';

export class ResourceIndex implements ResourceLookup {
  private readonly byKey = new Map<string, Instance[]>();
  private readonly loops = new Map<string, Instance[]>();

  constructor(readonly instances: Instance[]) {
    for (const r of instances) {
      const keys = new Set([r.id, r.name, `${r.type}/${r.name}`, providerTailOfId(r.id)].map((k) => k.toLowerCase()));
      for (const k of keys) push(this.byKey, k, r);
      if (r.copy) push(this.loops, r.copy.spec.name.toLowerCase(), r);
    }
  }

  /** dependsOn semantics: a copy loop name means all of its instances. */
  resolve(entry: string): Instance[] | undefined {
    const k = entry.replace(/\/+$/, '').toLowerCase();
    return this.byKey.get(k) ?? this.loops.get(k);
  }

  /** reference() semantics: one resource, by name or id. */
  find(nameOrId: string): TemplateResourceRef | undefined {
    const k = nameOrId.replace(/\/+$/, '').toLowerCase();
    const hits = this.byKey.get(k);
    return hits?.[0];
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) {
    if (!list.includes(v)) list.push(v);
  } else m.set(k, [v]);
}

export function buildGraph(index: ResourceIndex): void {
  const { instances } = index;
  for (const r of instances) {
    const deps = new Set<Instance>();
    for (const entry of r.dependsOnRaw) {
      const targets = index.resolve(entry);
      if (!targets) throw invalidTemplate(`The resource '${entry}' is not defined in the template. Please see https://aka.ms/arm-template for usage details.`);
      for (const t of targets) if (t !== r || r.copy === undefined) deps.add(t);
    }
    for (const target of r.referenced) {
      const t = index.resolve(target);
      // Only a single, named resource: a loop name is not a valid reference() target.
      if (t && t.length === 1 && t[0] !== r && (t[0].id.toLowerCase() === target.toLowerCase() || !target.startsWith('/'))) {
        deps.add(t[0]);
        r.implicit.add(t[0]);
      }
    }
    // A child cannot be created before its parent exists.
    if (r.parent) deps.add(r.parent);
    r.dependsOn = [...deps];
  }
  chainSerialCopies(instances);
  detectCycles(instances);
}

/** Serial loops: every instance of batch b waits for all of batch b-1. */
function chainSerialCopies(instances: Instance[]): void {
  const loops = new Map<string, Instance[]>();
  for (const r of instances) if (r.copy && r.copy.spec.mode === 'serial') push(loops, `${r.copy.spec.name.toLowerCase()}#${r.raw === undefined ? '' : r.path}#${r.parent?.index ?? ''}`, r);
  for (const members of loops.values()) {
    for (const r of members) {
      const { index, spec } = r.copy!;
      const batch = Math.floor(index / spec.batchSize);
      if (batch === 0) continue;
      for (const prev of members) {
        if (Math.floor(prev.copy!.index / spec.batchSize) === batch - 1 && !r.dependsOn.includes(prev)) r.dependsOn.push(prev);
      }
    }
  }
}

function detectCycles(instances: Instance[]): void {
  const state = new Map<Instance, 1 | 2>();
  const visit = (r: Instance): void => {
    state.set(r, 1);
    for (const d of r.dependsOn) {
      const s = state.get(d);
      if (s === 1) throw invalidTemplate(`Circular dependency detected on resource: '${d.id}'. Please see https://aka.ms/arm-syntax-resources for usage details.`);
      if (s === undefined) visit(d);
    }
    state.set(r, 2);
  };
  for (const r of instances) if (!state.has(r)) visit(r);
}

/** Dependencies that count at run time: a resource not deployed (condition false) is not waited for. */
export function enabledDependencies(r: Instance): Instance[] {
  return r.dependsOn.filter((d) => d.enabled);
}
