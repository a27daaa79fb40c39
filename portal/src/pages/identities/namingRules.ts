/**
 * The user-assigned identity naming rules, checked while typing (pure: unit-tested with node:test in
 * test/portal/namingRules.test.ts). They mirror the server's (src/providers/managedIdentity/userAssignedIdentities.ts):
 * 3–128 characters, a letter or digit first, then letters, digits, '-' and '_'. Past 24 characters the name is
 * valid, but some hosts (VM assignment, per Azure's docs) reject longer names, hence a warning.
 */
export const NAME_MIN = 3;
export const NAME_MAX = 128;
export const NAME_WARN_AFTER = 24;

export interface NameCheck {
  /** Blocking problem (the server would reject the name), if any. */
  error?: string;
  /** Non-blocking advice, if any. */
  warning?: string;
}

export function checkIdentityName(name: string): NameCheck {
  if (name.length === 0) return { error: 'A name is required.' };
  if (!/^[a-zA-Z0-9]/.test(name)) return { error: 'The name must start with a letter or a number.' };
  const bad = [...new Set([...name].filter((c) => !/[a-zA-Z0-9_-]/.test(c)))];
  if (bad.length) return { error: `The name can contain only letters, numbers, hyphens and underscores (not ${bad.map((c) => `'${c}'`).join(', ')}).` };
  if (name.length < NAME_MIN) return { error: `The name must be at least ${NAME_MIN} characters long.` };
  if (name.length > NAME_MAX) return { error: `The name must be at most ${NAME_MAX} characters long (it is ${name.length}).` };
  if (name.length > NAME_WARN_AFTER) {
    return { warning: `Names longer than ${NAME_WARN_AFTER} characters can fail to be assigned to virtual machines and some other hosts.` };
  }
  return {};
}

/** Resource group names (for "Create new"): 1–90 of letters, digits, '.', '_', '-', '(', ')'; not ending in '.'. */
export function checkResourceGroupName(name: string): NameCheck {
  if (name.length === 0) return { error: 'A resource group name is required.' };
  if (name.length > 90) return { error: 'The resource group name must be at most 90 characters long.' };
  if (!/^[-\w.()\p{L}\p{Nd}]+$/u.test(name)) return { error: 'The resource group name can contain only letters, numbers, underscores, hyphens, periods and parentheses.' };
  if (name.endsWith('.')) return { error: 'The resource group name cannot end with a period.' };
  return {};
}

/** Tag rules ARM enforces: names up to 512 characters without <>%&\?/, values up to 256, at most 50 tags. */
export function checkTag(name: string, value: string): NameCheck {
  if (name.trim() === '') return { error: 'A tag needs a name.' };
  if (name.length > 512) return { error: 'Tag names can be at most 512 characters long.' };
  if (/[<>%&\\?/]/.test(name)) return { error: 'Tag names cannot contain <, >, %, &, \\, ? or /.' };
  if (value.length > 256) return { error: 'Tag values can be at most 256 characters long.' };
  return {};
}

export const MAX_TAGS = 50;
