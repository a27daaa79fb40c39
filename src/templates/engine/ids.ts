/** ARM resource ids: built from a scope + type + name, and taken apart again. */
import { TemplateError } from './errors.js';

/**
 * `{scopeId}/providers/{ns}/{t1}/{n1}/{t2}/{n2}`; a resource group declared at subscription scope is the
 * special `/subscriptions/{s}/resourceGroups/{name}`. `type` has one more segment than `name` (checked before).
 */
export function resourceIdFor(scopeId: string, type: string, name: string): string {
  const [ns, ...types] = type.split('/');
  const names = name.split('/');
  if (ns.toLowerCase() === 'microsoft.resources' && types.length === 1 && types[0].toLowerCase() === 'resourcegroups' && /^\/subscriptions\/[^/]+$/i.test(scopeId)) {
    return `${scopeId}/resourceGroups/${names[0]}`;
  }
  let id = `${scopeId}/providers/${ns}`;
  types.forEach((t, i) => (id += `/${t}/${names[i]}`));
  return id;
}

/** The full resource type of an id: `Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials`. */
export function providerTypeOfId(id: string): string {
  const parts = id.split('/').filter((p) => p !== '');
  const at = parts.map((p) => p.toLowerCase()).lastIndexOf('providers');
  if (at < 0) {
    if (parts.length >= 4 && parts[2].toLowerCase() === 'resourcegroups') return 'Microsoft.Resources/resourceGroups';
    if (parts.length === 2 && parts[0].toLowerCase() === 'subscriptions') return 'Microsoft.Resources/subscriptions';
    return '';
  }
  const rest = parts.slice(at + 1);
  const types = [rest[0]];
  for (let i = 1; i < rest.length; i += 2) types.push(rest[i]);
  return types.join('/');
}

/** The `ns/t1/n1/t2/n2` tail after the last `/providers/` (how dependsOn may name a resource). */
export function providerTailOfId(id: string): string {
  const at = id.toLowerCase().lastIndexOf('/providers/');
  return at < 0 ? id : id.slice(at + '/providers/'.length);
}

export function resourceNotFound(id: string): TemplateError {
  const tail = providerTailOfId(id);
  const group = /\/resourcegroups\/([^/]+)/i.exec(id)?.[1] ?? '';
  return new TemplateError(
    'ResourceNotFound',
    `The Resource '${tail}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}
