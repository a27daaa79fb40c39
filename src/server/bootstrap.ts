import crypto from 'node:crypto';
import type { Database } from '../store/database.js';
import { settingsStore } from '../store/settings.js';
import { subscriptionStore } from '../store/subscriptions.js';
import { principalStore } from '../store/principals.js';
import { assertKekMatches, KEK_CHECK_SETTING, kekCheckValue, type KeyEncryptionKey } from '../directory/keyEncryption.js';
import { generateSecret, hashClientSecret } from '../directory/secrets.js';
import { isUniqueViolation } from '../arm/trackedResource.js';
import { insertAdminOwner } from '../rbac/adminOwner.js';

export interface BootstrapResult {
  tenantId: string;
  subscriptionId: string;
  /** Present only on the start that created the tenant: the secret is shown once and stored hashed. */
  admin?: { clientId: string; objectId: string; clientSecret: string };
}

/**
 * Creates the tenant, its default subscription and an administrator service principal on an empty
 * database; on later starts (or a second node) only checks that the key-encryption key matches.
 */
export async function bootstrap(database: Database, kek: KeyEncryptionKey): Promise<BootstrapResult> {
  const existing = await loadExisting(database, kek);
  if (existing) return existing;
  const tenantId = crypto.randomUUID();
  const subscriptionId = crypto.randomUUID();
  const admin = { clientId: crypto.randomUUID(), objectId: crypto.randomUUID(), clientSecret: generateSecret() };
  const secretHash = hashClientSecret(admin.clientSecret);
  const now = new Date().toISOString();
  try {
    await database.db.transaction().execute(async (trx) => {
      // Inserting tenantId first makes a concurrent bootstrap by another node fail on the primary key.
      await trx.insertInto('settings').values({ name: 'tenantId', value: tenantId }).execute();
      await settingsStore.set(trx, KEK_CHECK_SETTING, kekCheckValue(kek));
      await settingsStore.set(trx, 'defaultSubscriptionId', subscriptionId);
      await settingsStore.set(trx, 'adminObjectId', admin.objectId);
      await subscriptionStore.insert(trx, {
        key: subscriptionId,
        subscription_id: subscriptionId,
        tenant_id: tenantId,
        display_name: 'Amity Subscription',
        state: 'Enabled',
        created_at: now,
      });
      await principalStore.insert(trx, {
        object_id: admin.objectId,
        tenant_id: tenantId,
        kind: 'ServicePrincipal',
        app_id: admin.clientId,
        display_name: 'amity-admin',
        resource_key: null,
        created_at: now,
      });
      await principalStore.addCredential(trx, {
        id: crypto.randomUUID(),
        principal_id: admin.objectId,
        secret_hash: secretHash,
        hint: admin.clientSecret.slice(0, 3),
        created_at: now,
        expires_at: null,
      });
      await insertAdminOwner(trx, admin.objectId, now);
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      const other = await loadExisting(database, kek);
      if (other) return other;
    }
    throw e;
  }
  return { tenantId, subscriptionId, admin };
}

async function loadExisting(database: Database, kek: KeyEncryptionKey): Promise<BootstrapResult | undefined> {
  const tenantId = await settingsStore.get(database.db, 'tenantId');
  if (!tenantId) return undefined;
  const check = await settingsStore.get(database.db, KEK_CHECK_SETTING);
  if (check) assertKekMatches(kek, check);
  const subscriptionId = (await settingsStore.get(database.db, 'defaultSubscriptionId')) ?? '';
  return { tenantId, subscriptionId };
}
