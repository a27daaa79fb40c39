import { ArmClient } from './armClient.js';
import { CliError } from './errors.js';
import { credentialKey, readCredential, readProfile, writeCredential, writeProfile, type Account, type AccountUserType, type StoredCredential } from './profile.js';
import { armResourceOf, forgetTokens } from './tokens.js';

export interface SignIn {
  server: string;
  tenantId: string;
  caCert?: string;
  userName: string;
  userType: AccountUserType;
  assignedIdentityInfo?: string;
  credential: StoredCredential;
  /** az's --allow-no-subscriptions: a principal that sees no subscription gets a tenant-level account. */
  allowNoSubscriptions?: boolean;
}

/**
 * Completes a sign-in as az does: stores the credential, lists the subscriptions the principal can see and makes
 * them the profile's accounts (replacing those of the same server and tenant), the first one default unless one
 * already was. Returns the accounts in `az login`'s output shape.
 */
export async function completeSignIn(signIn: SignIn): Promise<Account[]> {
  const server = signIn.server.replace(/\/+$/, '');
  const key = credentialKey(server, signIn.tenantId, signIn.userName);
  // A sign-in that fails (wrong secret) must not replace the credential that worked before it.
  const previous = readCredential(key);
  writeCredential(key, signIn.credential);
  forgetTokens(key);
  try {
    return await listAndStore(signIn, server);
  } catch (e) {
    writeCredential(key, previous);
    forgetTokens(key);
    throw e;
  }
}

async function listAndStore(signIn: SignIn, server: string): Promise<Account[]> {
  const probe: Account = accountOf({ subscriptionId: '', displayName: '', state: 'Enabled', tenantId: signIn.tenantId }, signIn, server, false);
  const subscriptions = (await new ArmClient(probe, armResourceOf(server)).listAll('/subscriptions', { apiVersion: '2022-12-01' })) as {
    subscriptionId: string;
    displayName: string;
    state: string;
    tenantId: string;
  }[];
  if (subscriptions.length === 0 && signIn.allowNoSubscriptions) subscriptions.push({ subscriptionId: signIn.tenantId, displayName: 'N/A(tenant level account)', state: 'Enabled', tenantId: signIn.tenantId });
  if (subscriptions.length === 0) throw new CliError(`No subscriptions found for ${signIn.userName}.`);
  const profile = readProfile();
  const others = profile.accounts.filter((a) => !(a.server.toLowerCase() === server.toLowerCase() && a.tenantId.toLowerCase() === signIn.tenantId.toLowerCase()));
  const keepDefault = others.some((a) => a.isDefault);
  const accounts = subscriptions.map((s, i) => accountOf(s, signIn, server, !keepDefault && i === 0));
  // A new sign-in makes its first subscription the default, as az login does.
  if (keepDefault) for (const a of others) a.isDefault = false;
  if (keepDefault && accounts.length > 0) accounts[0].isDefault = true;
  writeProfile({ accounts: [...others, ...accounts] });
  return accounts;
}

function accountOf(s: { subscriptionId: string; displayName: string; state: string; tenantId: string }, signIn: SignIn, server: string, isDefault: boolean): Account {
  return {
    id: s.subscriptionId,
    name: s.displayName,
    state: s.state,
    tenantId: s.tenantId ?? signIn.tenantId,
    homeTenantId: signIn.tenantId,
    isDefault,
    managedByTenants: [],
    user: { name: signIn.userName, type: signIn.userType, ...(signIn.assignedIdentityInfo ? { assignedIdentityInfo: signIn.assignedIdentityInfo } : {}) },
    environmentName: 'Amity',
    server,
    ...(signIn.caCert ? { caCert: signIn.caCert } : {}),
  };
}

/** What `az login` prints for each account (the server and CA are ours and stay out of it). */
export function accountView(a: Account): Record<string, unknown> {
  return {
    cloudName: a.environmentName,
    homeTenantId: a.homeTenantId,
    id: a.id,
    isDefault: a.isDefault,
    managedByTenants: a.managedByTenants,
    name: a.name,
    state: a.state,
    tenantId: a.tenantId,
    user: a.user,
  };
}
