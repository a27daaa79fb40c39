import { optionalObject, optionalStringArray } from '../../arm/body.js';
import { armErrors } from '../../arm/errors.js';
import type { PropertiesInput } from '../../arm/trackedResource.js';
import { versionFeatures } from './apiVersions.js';

export interface IdentityProperties extends Record<string, unknown> {
  tenantId: string;
  principalId: string;
  clientId: string;
  isolationScope: 'None' | 'Regional';
  assignmentRestrictions: { providers: string[] };
  /** Set by revokeTokens (ms since epoch): tokens issued before it are no longer accepted. Never shown to clients. */
  tokensRevokedBefore?: number;
}

const ISOLATION_SCOPES = ['None', 'Regional'] as const;
const PROVIDER_PATTERN = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+(\/[A-Za-z][A-Za-z0-9]*)*$/;

/**
 * The writable identity properties for this api-version. Versions that don't know a property leave
 * its stored value alone, so an old client can't reset what a newer one set.
 */
export function identityProperties({ input, apiVersion, existing }: PropertiesInput, ids: { tenantId: string }): IdentityProperties {
  const current = existing as IdentityProperties | undefined;
  const props: IdentityProperties = {
    tenantId: current?.tenantId ?? ids.tenantId,
    principalId: current?.principalId ?? '',
    clientId: current?.clientId ?? '',
    isolationScope: current?.isolationScope ?? 'None',
    assignmentRestrictions: current?.assignmentRestrictions ?? { providers: [] },
    ...(current?.tokensRevokedBefore ? { tokensRevokedBefore: current.tokensRevokedBefore } : {}),
  };
  if (versionFeatures.isolationScope(apiVersion) && input?.isolationScope !== undefined && input.isolationScope !== null) {
    const raw = input.isolationScope;
    const match = typeof raw === 'string' ? ISOLATION_SCOPES.find((s) => s.toLowerCase() === raw.toLowerCase()) : undefined;
    if (!match) {
      throw armErrors.invalidParameter(
        `The value '${String(raw)}' of property 'properties.isolationScope' is not valid. The allowed values are 'None', 'Regional'.`,
        'properties.isolationScope',
      );
    }
    props.isolationScope = match;
  }
  if (versionFeatures.assignmentRestrictions(apiVersion) && input?.assignmentRestrictions !== undefined) {
    const restrictions = optionalObject(input.assignmentRestrictions, 'properties.assignmentRestrictions');
    const providers = optionalStringArray(restrictions?.providers, 'properties.assignmentRestrictions.providers') ?? [];
    const bad = providers.find((p) => !PROVIDER_PATTERN.test(p));
    if (bad !== undefined) {
      throw armErrors.invalidParameter(
        `The value '${bad}' in 'properties.assignmentRestrictions.providers' is not a resource provider namespace or resource type, such as 'Microsoft.Compute' or 'Microsoft.Compute/virtualMachines'.`,
        'properties.assignmentRestrictions.providers',
      );
    }
    props.assignmentRestrictions = { providers: [...new Set(providers)] };
  }
  return props;
}
