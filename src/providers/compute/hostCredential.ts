import crypto from 'node:crypto';
import { armErrors } from '../../arm/errors.js';
import { resourceId } from '../../arm/ids.js';
import { idKey } from '../../arm/path.js';
import type { ArmRequest, ArmResponse } from '../../arm/types.js';
import { resourceStore } from '../../store/resources.js';
import { HOST_TYPES, secretDigest, VIRTUAL_MACHINE_TYPE } from './hostIdentities.js';

/**
 * `POST …/virtualMachines/{name}/regenerateIdentityCredential` (Amity's own; needs `virtualMachines/write`): a new
 * workload secret for the host, shown once and stored only as its digest; the previous secret stops working.
 * The answer is what App Service gives a workload in IDENTITY_ENDPOINT / IDENTITY_HEADER.
 */
export async function regenerateIdentityCredential(req: ArmRequest): Promise<ArmResponse> {
  const id = resourceId(req.path.subscriptionId!, req.path.resourceGroup!, VIRTUAL_MACHINE_TYPE, req.path.names);
  const hostKey = idKey(id);
  const secret = crypto.randomBytes(32).toString('base64url');
  const db = req.server.database.db;
  const found = await db.transaction().execute(async (trx) => {
    const host = await resourceStore.get(trx, hostKey);
    if (!host || !HOST_TYPES.has(host.type)) return undefined;
    const row = { host_key: hostKey, secret_digest: secretDigest(secret), created_at: new Date().toISOString() };
    await trx
      .insertInto('host_credentials')
      .values(row)
      .onConflict((oc) => oc.column('host_key').doUpdateSet({ secret_digest: row.secret_digest, created_at: row.created_at }))
      .execute();
    await req.activity.record(trx, { statusCode: 200, scope: host.id });
    return host;
  });
  if (!found) throw armErrors.resourceNotFound(`${VIRTUAL_MACHINE_TYPE}/${req.path.names[req.path.names.length - 1]}`, req.path.resourceGroup!);
  return {
    status: 200,
    body: { identityEndpoint: `${req.server.publicUrl}/msi/token`, identityHeader: secret },
    headers: { 'cache-control': 'no-store' },
  };
}
