import type { Insertable, Selectable } from 'kysely';
import type { RefreshTokensTable } from './schema.js';
import type { Db } from './resources.js';

export type RefreshTokenRow = Selectable<RefreshTokensTable>;

/** Refresh tokens by the hash of their value; a token is redeemed once, then its successor takes over. */
export const refreshTokenStore = {
  async insert(db: Db, row: Insertable<RefreshTokensTable>): Promise<void> {
    await db.insertInto('refresh_tokens').values(row).execute();
  },
  byHash(db: Db, tokenHash: string): Promise<RefreshTokenRow | undefined> {
    return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  },
  /** Marks a token used; false when it was already used (a concurrent or replayed redemption). */
  async redeem(db: Db, tokenHash: string, now: string): Promise<boolean> {
    const result = await db.updateTable('refresh_tokens').set({ redeemed_at: now }).where('token_hash', '=', tokenHash).where('redeemed_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },
  /** Revokes a whole family: what a replayed (stolen) token triggers. */
  async revokeFamily(db: Db, familyId: string): Promise<void> {
    await db.deleteFrom('refresh_tokens').where('family_id', '=', familyId).execute();
  },
  async revokeForPrincipal(db: Db, principalId: string): Promise<void> {
    await db.deleteFrom('refresh_tokens').where('principal_id', '=', principalId).execute();
  },
  async purgeExpired(db: Db, before: string): Promise<void> {
    await db.deleteFrom('refresh_tokens').where('expires_at', '<', before).execute();
  },
};
