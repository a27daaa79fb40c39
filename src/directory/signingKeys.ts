import crypto, { KeyObject } from 'node:crypto';
import type { Db } from '../store/resources.js';
import { signingKeyStore, type SigningKeyRow } from '../store/signingKeys.js';
import type { KeyEncryptionKey } from './keyEncryption.js';

export interface LoadedKey {
  kid: string;
  publicJwk: crypto.JsonWebKey & { kid: string };
  publicKey: KeyObject;
  /** Only unretired keys (the active one and a published next one) are decrypted: retired keys are kept for verification alone. */
  privateKey?: KeyObject;
  /** When the key starts (or started) signing. A key whose time is still ahead is published in the JWKS but does not sign yet. */
  createdAt: Date;
  retiredAt?: Date;
}

export interface SigningKeyPolicy {
  /** The schedule makes a new key when the active one is this old. */
  rotateAfterDays: number;
  /** Retired keys stay in the JWKS at least this long… */
  publishRetiredDays: number;
  /** …and at least the longest token lifetime plus clock skew, whichever is longer. */
  maxTokenLifetimeSeconds: number;
  /** How long a new key is published before it signs (the schedule's and `amity keys rotate`'s default). */
  publishDelaySeconds: number;
  /** How often a running server re-reads the keys (keys made by another node or by `amity keys rotate`). */
  reloadIntervalSeconds: number;
}

const DAY = 86_400_000;
const CLOCK_SKEW_MS = 300_000;
export const DEFAULT_KEY_POLICY: SigningKeyPolicy = {
  rotateAfterDays: 30,
  publishRetiredDays: 2,
  maxTokenLifetimeSeconds: 86_400,
  publishDelaySeconds: 600,
  reloadIntervalSeconds: 60,
};

/**
 * RS256 signing keys, as Entra uses, stored in the database with the private half encrypted.
 * A key's `created_at` is the instant it starts signing: a rotation with a publish delay inserts a key dated in the
 * future, which the JWKS publishes at once and which signs only from then on (Entra publishes its next key ahead, so
 * relying parties that cache the JWKS know it before they see a token signed by it). The newest key whose time has
 * come signs; the keys it superseded are retired and stay in the JWKS at least as long as the tokens they signed live.
 */
export class SigningKeys {
  private keys: LoadedKey[] = [];
  private lastReload = 0;
  private timer?: NodeJS.Timeout;
  private readonly policy: SigningKeyPolicy;

  constructor(
    private readonly db: Db,
    private readonly kek: KeyEncryptionKey,
    policy: Partial<SigningKeyPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_KEY_POLICY, ...policy };
  }

  /** Loads keys, creating the first one or rotating an old one as the policy says. */
  async init(): Promise<void> {
    await this.reload();
    const active = this.active();
    if (!active) await this.rotate();
    else if (this.isDue()) await this.rotate();
  }

  /** The schedule: re-reads the keys (another node's or the command's rotation) and rotates when the active key is old. */
  startSchedule(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.tick().catch(() => undefined);
    }, this.policy.reloadIntervalSeconds * 1000);
    this.timer.unref();
  }

  stopSchedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One step of the schedule (exposed for tests). */
  async tick(): Promise<void> {
    await this.reload();
    if (this.isDue()) await this.rotate({ publishDelaySeconds: this.policy.publishDelaySeconds });
  }

  /** The active key is older than the policy allows and no next key is waiting. */
  private isDue(): boolean {
    const active = this.active();
    if (!active) return true;
    if (this.pending().length) return false;
    return Date.now() - active.createdAt.getTime() > this.policy.rotateAfterDays * DAY;
  }

  /**
   * Makes a new key. With a publish delay it is published now and signs from `now + delay`; without one it signs at once
   * (the previous key is retired and stays published). Returns the new key.
   */
  async rotate(options: { publishDelaySeconds?: number } = {}): Promise<LoadedKey> {
    const delayMs = Math.max(0, (options.publishDelaySeconds ?? 0) * 1000);
    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 27);
    // A key never starts before one already scheduled, so keys sign in the order they were made.
    const latest = Math.max(0, ...this.keys.map((k) => k.createdAt.getTime() + 1));
    const startsAt = new Date(delayMs ? Math.max(Date.now() + delayMs, latest) : Date.now());
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    await signingKeyStore.insert(this.db, {
      kid,
      alg: 'RS256',
      public_jwk: JSON.stringify({ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }),
      private_key_enc: this.kek.encrypt(pkcs8, kid),
      created_at: startsAt.toISOString(),
      retired_at: null,
    });
    if (!delayMs) {
      // Signs now: every other unretired key (the active one, and any scheduled one) is superseded.
      for (const k of this.keys) if (!k.retiredAt) await signingKeyStore.retire(this.db, k.kid, startsAt.toISOString());
    }
    await this.reload();
    return this.keys.find((k) => k.kid === kid)!;
  }

  async reload(): Promise<void> {
    const now = Date.now();
    let rows = await signingKeyStore.all(this.db);
    // Keys superseded by a newer key that has started signing are retired as of that key's start.
    const live = rows.filter((r) => !r.retired_at);
    const current = live.filter((r) => new Date(r.created_at).getTime() <= now).at(-1);
    let changed = false;
    if (current) {
      for (const r of live) {
        if (r !== current && r.created_at < current.created_at) {
          await signingKeyStore.retire(this.db, r.kid, current.created_at);
          changed = true;
        }
      }
    }
    const keepSince = now - Math.max(this.policy.publishRetiredDays * DAY, this.policy.maxTokenLifetimeSeconds * 1000 + CLOCK_SKEW_MS);
    if (rows.some((r) => r.retired_at && new Date(r.retired_at).getTime() < keepSince)) {
      await signingKeyStore.deleteRetiredBefore(this.db, new Date(keepSince).toISOString());
      changed = true;
    }
    if (changed) rows = await signingKeyStore.all(this.db);
    const previous = new Map(this.keys.map((k) => [k.kid, k]));
    this.keys = rows.map((r) => {
      const known = previous.get(r.kid);
      // Keys already loaded are kept: decrypting costs more than the rest of a reload.
      if (!known) return this.load(r, !r.retired_at);
      if (r.retired_at) return known.retiredAt ? known : { ...known, privateKey: undefined, retiredAt: new Date(r.retired_at) };
      return known;
    });
    this.lastReload = Date.now();
  }

  /** A token with an unknown kid may come from a key another node just made: look again, at most once a second. */
  async find(kid: string): Promise<LoadedKey | undefined> {
    const known = this.keys.find((k) => k.kid === kid);
    if (known || Date.now() - this.lastReload < 1000) return known;
    await this.reload();
    return this.keys.find((k) => k.kid === kid);
  }

  /** The key that signs now: the newest unretired key whose start has come. */
  active(): LoadedKey | undefined {
    const now = Date.now();
    let found: LoadedKey | undefined;
    for (const k of this.keys) if (k.privateKey && !k.retiredAt && k.createdAt.getTime() <= now) found = k;
    return found;
  }

  /** Published keys that do not sign yet. */
  pending(): LoadedKey[] {
    const now = Date.now();
    return this.keys.filter((k) => !k.retiredAt && k.createdAt.getTime() > now);
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
