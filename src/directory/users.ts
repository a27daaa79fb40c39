import crypto from 'node:crypto';
import type { Db } from '../store/resources.js';
import { principalStore, type PrincipalRow } from '../store/principals.js';
import { hashSecret } from './secrets.js';

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
  const passwordHash = await hashSecret(user.password);
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
