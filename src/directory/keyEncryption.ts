import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The key-encryption key (KEK) protects private signing keys at rest. It never enters the database:
 * it comes from AMITY_KEY_ENCRYPTION_KEY, a file named in configuration, or a file generated into the
 * data folder (0600) on first start.
 */
export class KeyEncryptionKey {
  /** Set when this start made the key (none was given): the file it wrote. */
  generatedFile?: string;

  private constructor(private readonly key: Buffer) {}

  static fromText(text: string): KeyEncryptionKey {
    const t = text.trim();
    // Buffer's base64 decoder skips characters it does not know, and 43 hex digits decode as base64 to
    // 32 bytes: only well-formed text is taken, so a typo or a truncated key is refused, not used.
    let key: Buffer | undefined;
    if (/^[0-9a-f]{64}$/i.test(t)) key = Buffer.from(t, 'hex');
    else if (!/^[0-9a-f]*$/i.test(t) && /^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) key = Buffer.from(t, 'base64');
    if (key?.length !== 32) throw new Error('the key-encryption key must be 32 bytes, given as 64 hex digits or base64');
    return new KeyEncryptionKey(key);
  }

  static load(opts: { env?: string; file?: string; dataDir: string }): KeyEncryptionKey {
    if (opts.env) return KeyEncryptionKey.fromText(opts.env);
    if (opts.file) return KeyEncryptionKey.fromText(fs.readFileSync(opts.file, 'utf8'));
    const generated = path.join(opts.dataDir, 'key-encryption-key');
    let made = false;
    if (!fs.existsSync(generated)) {
      fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(generated, crypto.randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      made = true;
    }
    const kek = KeyEncryptionKey.fromText(fs.readFileSync(generated, 'utf8'));
    if (made) kek.generatedFile = generated;
    return kek;
  }

  encrypt(plain: Buffer, context: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    // The context (e.g. the key id) is bound as associated data, so a ciphertext can't be moved to another row.
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(sealed: string, context: string): Buffer {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unrecognised encrypted value');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  }
}

export const KEK_CHECK_SETTING = 'kekCheck';
const CHECK_PLAINTEXT = 'amity key-encryption-key check';

export function kekCheckValue(kek: KeyEncryptionKey): string {
  return kek.encrypt(Buffer.from(CHECK_PLAINTEXT), KEK_CHECK_SETTING);
}

/** Refuses to start with a key that cannot open what the database holds, rather than serve broken tokens. */
export function assertKekMatches(kek: KeyEncryptionKey, check: string): void {
  let ok: boolean;
  try {
    ok = kek.decrypt(check, KEK_CHECK_SETTING).toString() === CHECK_PLAINTEXT;
  } catch {
    ok = false;
  }
  if (!ok && kek.generatedFile) {
    // A node joining a database with an empty data folder and no key: the key just made is useless, and left behind
    // it would be taken next time without a word.
    fs.rmSync(kek.generatedFile, { force: true });
    throw new Error(
      'the key-encryption key does not match this database: none was given, and the database was set up with one (by another node or an earlier start); set AMITY_KEY_ENCRYPTION_KEY (or --key-encryption-key-file) to the key the first node was started with',
    );
  }
  if (!ok) {
    throw new Error(
      'the key-encryption key does not match this database: set AMITY_KEY_ENCRYPTION_KEY (or --key-encryption-key-file) to the key the first node was started with',
    );
  }
}
