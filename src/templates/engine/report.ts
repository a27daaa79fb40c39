/** `properties.dependencies` and `properties.providers` of a deployment, shaped as Azure reports them. */
import type { DeploymentResult } from './contract.js';
import type { Instance } from './resources.js';

export function describeDependencies(instances: Instance[]): DeploymentResult['dependencies'] {
  const out: DeploymentResult['dependencies'] = [];
  for (const r of instances) {
    if (!r.enabled) continue;
    // Serial-copy chaining is the engine's scheduling, not a declared dependency; parents and references are.
    const declared = r.dependsOn.filter((d) => d.enabled && !(r.copy && d.copy && d.copy.spec === r.copy.spec));
    if (!declared.length) continue;
    out.push({
      id: r.id,
      resourceType: r.type,
      resourceName: r.name,
      dependsOn: declared.map((d) => ({ id: d.id, resourceType: d.type, resourceName: d.name })),
    });
  }
  return out;
}

export function describeProviders(instances: Instance[], locations: Map<Instance, string>): DeploymentResult['providers'] {
  const byNs = new Map<string, { namespace: string; types: Map<string, { resourceType: string; locations: string[] }> }>();
  for (const r of instances) {
    if (!r.enabled) continue;
    const [ns, ...rest] = r.type.split('/');
    const nsKey = ns.toLowerCase();
    let entry = byNs.get(nsKey);
    if (!entry) byNs.set(nsKey, (entry = { namespace: ns, types: new Map() }));
    const typeName = rest.join('/');
    let t = entry.types.get(typeName.toLowerCase());
    if (!t) entry.types.set(typeName.toLowerCase(), (t = { resourceType: typeName, locations: [] }));
    const loc = locations.get(r)?.toLowerCase().replace(/\s+/g, '');
    if (loc && !t.locations.includes(loc)) t.locations.push(loc);
  }
  return [...byNs.values()].map((e) => ({ namespace: e.namespace, resourceTypes: [...e.types.values()] }));
}
