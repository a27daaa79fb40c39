import { UsageError } from '../../runtime/errors.js';

/** az's `--tags a=b c=d` (space-separated, `--tags ""` clears them): the values, or undefined when not given. */
export function parseTags(values: string[] | undefined): Record<string, string> | undefined {
  if (values === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const entry of values) {
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    if (!key) throw new UsageError(`usage error: --tags KEY=VALUE [KEY=VALUE ...] ('${entry}' has no key)`);
    tags[key] = eq < 0 ? '' : entry.slice(eq + 1);
  }
  return tags;
}

export const TAGS_HELP = 'space-separated tags: key[=value] [key[=value] ...]. Use "" to clear existing tags.';
