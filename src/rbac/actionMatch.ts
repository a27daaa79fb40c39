// Azure's action matching: case-insensitive; `*` matches any run of characters, across segments;
// and a `/*/` in the middle also matches no segment at all, so `userAssignedIdentities/*/read`
// covers `userAssignedIdentities/read` (Managed Identity Operator reads identities with exactly that).
const compiled = new Map<string, RegExp>();

export function actionPattern(pattern: string): RegExp {
  const key = pattern.toLowerCase();
  let re = compiled.get(key);
  if (!re) {
    const escaped = key.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    // A `/*/` between segments may also stand for no segment; any other `*` matches any run of characters.
    const body = escaped
      .split('/*/')
      .map((part) => part.replace(/\*/g, '.*'))
      .join('(?:/.*)?/');
    re = new RegExp(`^${body}$`);
    compiled.set(key, re);
  }
  return re;
}

export function actionMatches(pattern: string, action: string): boolean {
  return actionPattern(pattern).test(action.toLowerCase());
}

/** Whether one permissions block allows an action: some action matches and no notAction does. */
export function permissionAllows(p: { actions: readonly string[]; notActions: readonly string[] }, action: string): boolean {
  return p.actions.some((a) => actionMatches(a, action)) && !p.notActions.some((a) => actionMatches(a, action));
}
