import fs from 'node:fs';
import { UsageError } from '../../runtime/errors.js';

/**
 * A JSON argument as az takes it: inline JSON, `@file`, or (as az's role commands do) a path to an existing file.
 * Comments are not allowed here (az's shell_safe_json_parse is strict JSON too).
 */
export function readJsonArgument(value: string, option: string): unknown {
  let text = value;
  if (value.startsWith('@')) text = readFileArgument(value.slice(1), option);
  else if (!/^\s*[{[]/.test(value) && fs.existsSync(value)) text = readFileArgument(value, option);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${option}: failed to parse JSON (${(e as Error).message})`);
  }
}

export function readFileArgument(file: string, option: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`${option}: cannot read the file '${file}'`);
  }
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
