import crypto from 'node:crypto';
import type { Db } from '../store/resources.js';
import { principalStore, type PrincipalRow } from '../store/principals.js';
import { hashPassword, verifySecret } from './secrets.js';
import { oauthErrors } from './oauth/errors.js';

/**
 * Account lockout, Entra's smart-lockout defaults: this many consecutive wrong passwords lock the account
 * for LOCKOUT_SECONDS; a correct password resets the count.
 */
export const LOCKOUT_THRESHOLD = 10;
export const LOCKOUT_SECONDS = 60;

export interface NewUser {
  userPrincipalName: string;
  displayName: string;
  password: string;
  accountEnabled?: boolean;
}

/** Creates a user in the directory; the password is kept only as a salted scrypt hash (a credential of kind 'password'). */
export async function createUser(db: Db, tenantId: string, user: NewUser): Promise<PrincipalRow> {
  const objectId = crypto.randomUUID();
  const now = new Date().toISOString();
  const passwordHash = await hashPassword(user.password);
  await db.transaction().execute(async (trx) => {
    await principalStore.insert(trx, {
      object_id: objectId,
      tenant_id: tenantId,
      kind: 'User',
      app_id: null,
      display_name: user.displayName,
      resource_key: null,
      created_at: now,
      user_principal_name: user.userPrincipalName.toLowerCase(),
      account_enabled: user.accountEnabled === false ? 0 : 1,
    });
    await principalStore.addCredential(trx, {
      id: crypto.randomUUID(),
      principal_id: objectId,
      secret_hash: passwordHash,
      hint: '',
      created_at: now,
      expires_at: null,
      kind: 'password',
    });
  });
  return (await principalStore.byObjectId(db, objectId))!;
}

/**
 * Checks a user's password, with lockout. In order: unknown user (AADSTS50034), locked (AADSTS50053, the password
 * is not even checked), wrong password (AADSTS50126, counted; the LOCKOUT_THRESHOLD-th locks the account), disabled
 * (AADSTS50057, only told to someone who knows the password). Success clears the failure count.
 */
export async function verifyUserPassword(db: Db, tenantId: string, userPrincipalName: string, password: string, now = new Date()): Promise<PrincipalRow> {
  const user = await principalStore.userByPrincipalName(db, tenantId, userPrincipalName.trim());
  if (!user) throw oauthErrors.userNotFound(userPrincipalName, tenantId);
  if (user.locked_until && user.locked_until > now.toISOString()) {
    throw oauthErrors.accountLocked(Math.max(1, Math.ceil((Date.parse(user.locked_until) - now.getTime()) / 1000)));
  }
  const credentials = (await principalStore.credentialsOf(db, user.object_id)).filter((c) => c.kind === 'password');
  let valid = false;
  for (const credential of credentials) {
    if (credential.expires_at && credential.expires_at < now.toISOString()) continue;
    if (await verifySecret(password, credential.secret_hash)) {
      valid = true;
      break;
    }
  }
  if (!valid) {
    const failures = await principalStore.addFailedSignIn(db, user.object_id);
    if (failures >= LOCKOUT_THRESHOLD) await principalStore.lock(db, user.object_id, new Date(now.getTime() + LOCKOUT_SECONDS * 1000).toISOString());
    throw oauthErrors.invalidCredentials();
  }
  if (user.failed_sign_ins !== 0 || user.locked_until !== null) await principalStore.clearFailedSignIns(db, user.object_id);
  if (!user.account_enabled) throw oauthErrors.accountDisabled();
  return user;
}

/** A user who already signed in (a refresh token, an approved device code): still there and still enabled? */
export async function activeUser(db: Db, objectId: string): Promise<PrincipalRow> {
  const user = await principalStore.byObjectId(db, objectId);
  if (!user || user.kind !== 'User') throw oauthErrors.notAUser(objectId);
  if (!user.account_enabled) throw oauthErrors.accountDisabled();
  return user;
}
