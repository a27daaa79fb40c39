import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The per-user folder holding the CLI's profile, credentials and token cache: `AMITY_CONFIG_DIR` or `~/.amity`. */
export function configDir(): string {
  return process.env.AMITY_CONFIG_DIR || path.join(os.homedir(), '.amity');
}

/** Reads a JSON file of the config folder; a missing file reads as `fallback`. */
export function readConfigFile<T>(name: string, fallback: T): T {
  try {
    return JSON.parse(fs.readFileSync(path.join(configDir(), name), 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw e;
  }
}

/**
 * Writes a JSON file of the config folder. Credentials and tokens live here, so the folder is 0700 and the files 0600,
 * written to a temporary name and renamed so a crash never leaves half a file.
 */
export function writeConfigFile(name: string, value: unknown): void {
  const dir = configDir();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const file = path.join(dir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function removeConfigFile(name: string): void {
  fs.rmSync(path.join(configDir(), name), { force: true });
}
