import { ArmError, armErrors } from './errors.js';

/**
 * How a type rejects an unknown api-version: ARM itself answers for its own types
 * (InvalidApiVersionParameter), while for provider types the message lists versions and locations.
 */
export type ApiVersionStyle = 'arm' | 'provider';

export function checkApiVersion(
  version: string | undefined,
  supported: readonly string[],
  style: ApiVersionStyle,
  describe: { type: string; location: string; locations: readonly string[] },
): string {
  if (version === undefined || version === '') throw armErrors.missingApiVersion();
  const match = supported.find((v) => v.toLowerCase() === version.toLowerCase());
  if (match) return match;
  if (style === 'arm') throw armErrors.invalidApiVersion(version, supported);
  throw armErrors.noRegisteredProviderFound(describe.location, version, describe.type, supported, describe.locations);
}

/** True when `version` is the same as or later than `since` (ARM versions sort as dates, previews just before their GA twin). */
export function atLeast(version: string, since: string): boolean {
  return versionOrder(version) >= versionOrder(since);
}

function versionOrder(v: string): string {
  const [date, ...suffix] = v.split('-').length > 3 ? [v.slice(0, 10), v.slice(11)] : [v];
  return `${date}${suffix.length ? '0' : '1'}`;
}

export function isArmError(e: unknown): e is ArmError {
  return e instanceof ArmError;
}
