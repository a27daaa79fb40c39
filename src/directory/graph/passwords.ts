import crypto from 'node:crypto';
import type { Selectable } from 'kysely';
import type { CredentialsTable } from '../../store/schema.js';
import type { Db } from '../../store/resources.js';
import { directoryObjectStore } from '../../store/directoryObjects.js';
import { generateSecret, hashClientSecret } from '../secrets.js';
import { graphErrors } from './errors.js';

const DEFAULT_LIFETIME_YEARS = 2;

/** A passwordCredential as Graph lists it: never the secret (secretText is null except in addPassword's answer). */
export function passwordCredential(row: Selectable<CredentialsTable>, secretText: string | null = null): Record<string, unknown> {
  return {
    customKeyIdentifier: null,
    displayName: row.display_name,
    endDateTime: row.expires_at,
    hint: row.hint,
    keyId: row.id,
    secretText,
    startDateTime: row.created_at,
  };
}

function dateOf(value: unknown, property: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const d = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw graphErrors.invalidValue(property);
  return d;
}

/**
 * addPassword: a fresh secret for an application or service principal, answered once in secretText; only its
 * salted hash (secrets.ts) and the first three characters (the hint) are kept. endDateTime defaults to two years on.
 */
export async function addPassword(db: Db, ownerId: string, body: Record<string, any>): Promise<Record<string, unknown>> {
  const input = body.passwordCredential && typeof body.passwordCredential === 'object' ? (body.passwordCredential as Record<string, unknown>) : {};
  const start = dateOf(input.startDateTime, 'startDateTime') ?? new Date();
  const end = dateOf(input.endDateTime, 'endDateTime') ?? new Date(new Date(start).setUTCFullYear(start.getUTCFullYear() + DEFAULT_LIFETIME_YEARS));
  if (end <= start) throw graphErrors.badRequest('The endDateTime of a password credential must be later than its startDateTime.');
  const displayName = typeof input.displayName === 'string' ? input.displayName : null;
  const secret = generateSecret();
  const row: Selectable<CredentialsTable> = {
    id: crypto.randomUUID(),
    principal_id: ownerId,
    secret_hash: hashClientSecret(secret),
    hint: secret.slice(0, 3),
    created_at: start.toISOString(),
    expires_at: end.toISOString(),
    kind: 'secret',
    display_name: displayName,
  };
  await db.insertInto('credentials').values(row).execute();
  return passwordCredential(row, secret);
}

export async function removePassword(db: Db, ownerId: string, body: Record<string, any>): Promise<void> {
  const keyId = body.keyId;
  if (typeof keyId !== 'string' || !keyId) throw graphErrors.propertyRequired('keyId');
  if (!(await directoryObjectStore.deleteCredential(db, ownerId, keyId))) throw graphErrors.noSuchPassword(keyId);
}
