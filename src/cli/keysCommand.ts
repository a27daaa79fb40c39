import path from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_KEY_POLICY } from '../directory/signingKeyPolicy.js';

/**
 * `amity keys rotate`: makes a new signing key in the database, published in the JWKS at once and signing after the
 * publish delay (running servers re-read their keys every minute, and relying parties cache the JWKS for 5 minutes).
 * Works on the database directly, with the same key-encryption key as the server.
 */
export function keysCommand(): Command {
  const keys = new Command('keys').description('manage the token signing keys');
  keys
    .command('rotate')
    .description('make a new signing key: published in the JWKS now, signing after --publish-delay')
    .addOption(new Option('--data <dir>', 'data folder').env('AMITY_DATA').default('.amity'))
    .addOption(new Option('--database <spec>', 'SQLite file or postgres:// URL (default <data>/amity.db)').env('AMITY_DATABASE'))
    .addOption(new Option('--key-encryption-key-file <file>', 'file holding the key that encrypts signing keys').env('AMITY_KEY_ENCRYPTION_KEY_FILE'))
    .addOption(
      new Option('--publish-delay <seconds>', 'how long the new key is published before it signs (0: sign now)')
        .default(String(DEFAULT_KEY_POLICY.publishDelaySeconds))
        .argParser((v) => {
          const n = Number(v);
          if (!Number.isFinite(n) || n < 0) throw new Error(`invalid delay '${v}'`);
          return n;
        }),
    )
    .action(async (opts) => {
      const { KeyEncryptionKey } = await import('../directory/keyEncryption.js');
      const { SigningKeys } = await import('../directory/signingKeys.js');
      const { openDatabase } = await import('../store/database.js');
      const dataDir = path.resolve(opts.data);
      const kek = KeyEncryptionKey.load({ env: process.env.AMITY_KEY_ENCRYPTION_KEY, file: opts.keyEncryptionKeyFile, dataDir });
      const database = await openDatabase(opts.database ?? path.join(dataDir, 'amity.db'));
      try {
        // Pruning retired keys is left to the servers, which know the token lifetime they were given.
        const signingKeys = new SigningKeys(database.db, kek, { publishRetiredDays: 36_500 });
        await signingKeys.reload();
        const key = await signingKeys.rotate({ publishDelaySeconds: Number(opts.publishDelay) });
        process.stdout.write(`new signing key ${key.kid}: published now, signs from ${key.createdAt.toISOString()}\n`);
      } finally {
        await database.close();
      }
    });
  return keys;
}
