import crypto, { KeyObject } from 'node:crypto';
import type { Db } from '../store/resources.js';
import { signingKeyStore, type SigningKeyRow } from '../store/signingKeys.js';
import type { KeyEncryptionKey } from './keyEncryption.js';

export interface LoadedKey {
  kid: string;
  publicJwk: crypto.JsonWebKey & { kid: string };
  publicKey: KeyObject;
  /** Only the active key is decrypted: retired keys are kept for verification alone. */
  privateKey?: KeyObject;
  createdAt: Date;
  retiredAt?: Date;
}

const DAY = 86_400_000;

/**
 * RS256 signing keys, as Entra uses, stored in the database with the private half encrypted.
 * The newest unretired key signs; retired keys stay in the JWKS long enough for the tokens they signed to expire.
 */
export class SigningKeys {
  private keys: LoadedKey[] = [];
  private lastReload = 0;

  constructor(
    private readonly db: Db,
    private readonly kek: KeyEncryptionKey,
    private readonly policy = { rotateAfterDays: 30, publishRetiredDays: 2 },
  ) {}

  /** Loads keys, creating the first one or rotating an old one as the policy says. */
  async init(): Promise<void> {
    await this.reload();
    const active = this.active();
    if (!active || Date.now() - active.createdAt.getTime() > this.policy.rotateAfterDays * DAY) await this.rotate();
  }

  async rotate(): Promise<LoadedKey> {
    const previous = this.active();
    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 27);
    const now = new Date().toISOString();
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    await signingKeyStore.insert(this.db, {
      kid,
      alg: 'RS256',
      public_jwk: JSON.stringify({ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }),
      private_key_enc: this.kek.encrypt(pkcs8, kid),
      created_at: now,
      retired_at: null,
    });
    if (previous) await signingKeyStore.retire(this.db, previous.kid, now);
    await signingKeyStore.deleteRetiredBefore(this.db, new Date(Date.now() - this.policy.publishRetiredDays * DAY).toISOString());
    await this.reload();
    return this.active()!;
  }

  async reload(): Promise<void> {
    const rows = await signingKeyStore.all(this.db);
    const activeRow = rows.filter((r) => !r.retired_at).at(-1);
    this.keys = rows.map((r) => this.load(r, r === activeRow));
    this.lastReload = Date.now();
  }

  /** A token with an unknown kid may come from a key another node just made: look again, at most once a second. */
  async find(kid: string): Promise<LoadedKey | undefined> {
    const known = this.keys.find((k) => k.kid === kid);
    if (known || Date.now() - this.lastReload < 1000) return known;
    await this.reload();
    return this.keys.find((k) => k.kid === kid);
  }

  active(): LoadedKey | undefined {
    return this.keys.find((k) => k.privateKey);
  }

  jwks(): { keys: LoadedKey['publicJwk'][] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  private load(row: SigningKeyRow, decryptPrivate: boolean): LoadedKey {
    const publicJwk = JSON.parse(row.public_jwk);
    return {
      kid: row.kid,
      publicJwk,
      publicKey: crypto.createPublicKey({ key: publicJwk, format: 'jwk' }),
      privateKey: decryptPrivate
        ? crypto.createPrivateKey({ key: this.kek.decrypt(row.private_key_enc, row.kid), format: 'der', type: 'pkcs8' })
        : undefined,
      createdAt: new Date(row.created_at),
      retiredAt: row.retired_at ? new Date(row.retired_at) : undefined,
    };
  }
}
