import crypto, { KeyObject } from 'node:crypto';
import type { Db } from '../store/resources.js';
import { signingKeyStore, type SigningKeyRow } from '../store/signingKeys.js';
import { settingsStore } from '../store/settings.js';
import { CONVERGENCE_MS } from '../store/convergence.js';
import type { KeyEncryptionKey } from './keyEncryption.js';
import { DEFAULT_KEY_POLICY, type SigningKeyPolicy } from './signingKeyPolicy.js';

export { DEFAULT_KEY_POLICY, type SigningKeyPolicy } from './signingKeyPolicy.js';

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

const DAY = 86_400_000;
const CLOCK_SKEW_MS = 300_000;
/** A settings row every rotation moves (compare-and-set): nodes poll it to publish another node's key, and only one of several nodes racing to rotate wins. */
export const SIGNING_KEYS_VERSION_SETTING = 'signingKeysVersion';

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
  private watcher?: NodeJS.Timeout;
  /** The rotation counter as of the last reload (undefined: no rotation recorded yet). */
  private version: string | undefined;
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
    // Nodes starting together: the first rotation wins and the others load its key.
    if (this.isDue()) await this.rotateUnlessRotated({});
  }

  /** The schedule: re-reads the keys (another node's or the command's rotation) and rotates when the active key is old. */
  startSchedule(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.tick().catch(() => undefined);
    }, this.policy.reloadIntervalSeconds * 1000);
    this.timer.unref();
    // Another node's rotation is published here within CONVERGENCE_MS: one point read of the counter, a reload only when it moved.
    this.watcher = setInterval(() => {
      void this.reloadIfRotated().catch(() => undefined);
    }, CONVERGENCE_MS);
    this.watcher.unref();
  }

  stopSchedule(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.watcher) clearInterval(this.watcher);
    this.timer = undefined;
    this.watcher = undefined;
  }

  /** Reloads when another node (or `amity keys rotate`) rotated since this node last looked. */
  async reloadIfRotated(): Promise<void> {
    if ((await settingsStore.get(this.db, SIGNING_KEYS_VERSION_SETTING)) !== this.version) await this.reload();
  }

  /** One step of the schedule (exposed for tests). */
  async tick(): Promise<void> {
    await this.reload();
    if (this.isDue()) await this.rotateUnlessRotated({ publishDelaySeconds: this.policy.publishDelaySeconds });
  }

  /** The schedule's rotation: when several nodes find the key due at once, one rotates and the others load its key. */
  private async rotateUnlessRotated(options: { publishDelaySeconds?: number }): Promise<void> {
    if (!(await this.tryRotate(options))) await this.reload();
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
    // Asked for explicitly: if another node rotated in between, build on its key and rotate again.
    for (;;) {
      const key = await this.tryRotate(options);
      if (key) return key;
      await this.reload();
    }
  }

  /** Makes a new key unless the rotation counter moved since the last reload (another node rotated): undefined then. */
  private async tryRotate(options: { publishDelaySeconds?: number }): Promise<LoadedKey | undefined> {
    const delayMs = Math.max(0, (options.publishDelaySeconds ?? 0) * 1000);
    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 27);
    // A key never starts before one already scheduled, so keys sign in the order they were made.
    const latest = Math.max(0, ...this.keys.map((k) => k.createdAt.getTime() + 1));
    const startsAt = new Date(delayMs ? Math.max(Date.now() + delayMs, latest) : Date.now());
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    const expected = this.version;
    const won = await this.db.transaction().execute(async (trx) => {
      // The counter first: a node that lost the race writes nothing (its update finds no row; the transaction ends).
      if (!(await settingsStore.compareAndSet(trx, SIGNING_KEYS_VERSION_SETTING, expected, kid))) return false;
      await signingKeyStore.insert(trx, {
        kid,
        alg: 'RS256',
        public_jwk: JSON.stringify({ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }),
        private_key_enc: this.kek.encrypt(pkcs8, kid),
        created_at: startsAt.toISOString(),
        retired_at: null,
      });
      if (!delayMs) {
        // Signs now: every other unretired key (the active one, and any scheduled one) is superseded.
        for (const k of this.keys) if (!k.retiredAt) await signingKeyStore.retire(trx, k.kid, startsAt.toISOString());
      }
      return true;
    });
    if (!won) return undefined;
    await this.reload();
    return this.keys.find((k) => k.kid === kid)!;
  }

  async reload(): Promise<void> {
    const now = Date.now();
    // The counter before the rows: a rotation in between leaves newer rows under an older counter, reloaded again next time.
    const version = await settingsStore.get(this.db, SIGNING_KEYS_VERSION_SETTING);
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
    this.version = version;
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
