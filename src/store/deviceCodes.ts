import type { Insertable, Selectable } from 'kysely';
import type { DeviceCodesTable } from './schema.js';
import type { Db } from './resources.js';

export type DeviceCodeRow = Selectable<DeviceCodesTable>;

/** Pending device-code sign-ins, found by the hash of the device code or by the user code. */
export const deviceCodeStore = {
  async insert(db: Db, row: Insertable<DeviceCodesTable>): Promise<void> {
    await db.insertInto('device_codes').values(row).execute();
  },
  byHash(db: Db, deviceCodeHash: string): Promise<DeviceCodeRow | undefined> {
    return db.selectFrom('device_codes').selectAll().where('device_code_hash', '=', deviceCodeHash).executeTakeFirst();
  },
  byUserCode(db: Db, userCode: string): Promise<DeviceCodeRow | undefined> {
    return db.selectFrom('device_codes').selectAll().where('user_code', '=', userCode).executeTakeFirst();
  },
  async setFormToken(db: Db, deviceCodeHash: string, formTokenHash: string): Promise<void> {
    await db.updateTable('device_codes').set({ form_token_hash: formTokenHash }).where('device_code_hash', '=', deviceCodeHash).execute();
  },
  /** Moves a code from one status to another; false when another request changed it first (or it expired). */
  async transition(db: Db, deviceCodeHash: string, from: string, to: string, now: string, principalId?: string): Promise<boolean> {
    const result = await db
      .updateTable('device_codes')
      .set(principalId === undefined ? { status: to, form_token_hash: null } : { status: to, principal_id: principalId, form_token_hash: null })
      .where('device_code_hash', '=', deviceCodeHash)
      .where('status', '=', from)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },
  /** Forgets codes that expired more than a day ago (a poll after that is answered as an unknown code). */
  async purgeExpired(db: Db, before: string): Promise<void> {
    await db.deleteFrom('device_codes').where('expires_at', '<', before).execute();
  },
};
