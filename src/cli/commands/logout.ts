import { leafCommand, onRun } from '../runtime/commandKit.js';
import { CliError } from '../runtime/errors.js';
import { credentialKey, defaultAccount, readProfile, writeCredential, writeProfile } from '../runtime/profile.js';
import { forgetTokens } from '../runtime/tokens.js';

/** `amity logout`: forgets a sign-in (its accounts, stored credential and cached tokens), as az logout. */
export function logoutCommand() {
  return onRun<{ username?: string }>(
    leafCommand('logout', 'Log out to remove access to Amity subscriptions.').option('--username <name>', 'Account user, if missing, logout the current active account.'),
    async (_ctx, o) => {
      const profile = readProfile();
      const current = defaultAccount(profile);
      if (!current) throw new CliError('There are no active accounts.');
      const user = (o.username ?? current.user.name).toLowerCase();
      const leaving = profile.accounts.filter((a) => a.user.name.toLowerCase() === user);
      if (leaving.length === 0) throw new CliError(`User ${o.username} is not logged in.`);
      const staying = profile.accounts.filter((a) => !leaving.includes(a));
      for (const a of leaving) {
        const key = credentialKey(a.server, a.tenantId, a.user.name);
        writeCredential(key, undefined);
        forgetTokens(key);
      }
      // az keeps one account the default: the first left, when the default went.
      if (staying.length > 0 && !staying.some((a) => a.isDefault)) staying[0].isDefault = true;
      writeProfile({ accounts: staying });
      return undefined;
    },
  );
}
