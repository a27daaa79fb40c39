import { readConfigFile, writeConfigFile } from './configDir.js';

/** How an account signs in again when its token expires. Secrets stay in credentials.json (0600), never in the profile. */
export type AccountUserType = 'servicePrincipal' | 'user';

/** One subscription reachable with one sign-in, in az's `az account list` shape plus where the server is. */
export interface Account {
  id: string;
  name: string;
  state: string;
  tenantId: string;
  homeTenantId: string;
  isDefault: boolean;
  managedByTenants: { tenantId: string }[];
  user: { name: string; type: AccountUserType; assignedIdentityInfo?: string };
  environmentName: string;
  /** The Amity server (its public URL, no trailing slash). */
  server: string;
  /** A PEM file of CAs to trust for this server, when its certificate is not publicly trusted. */
  caCert?: string;
}

export interface Profile {
  accounts: Account[];
}

const PROFILE = 'profile.json';

export function readProfile(): Profile {
  return readConfigFile<Profile>(PROFILE, { accounts: [] });
}

export function writeProfile(profile: Profile): void {
  writeConfigFile(PROFILE, profile);
}

export function defaultAccount(profile: Profile = readProfile()): Account | undefined {
  return profile.accounts.find((a) => a.isDefault) ?? profile.accounts[0];
}

/** What is needed to get a fresh token without asking the person again. */
export type StoredCredential =
  | { kind: 'secret'; server: string; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'refreshToken'; server: string; tenantId: string; clientId: string; username: string; refreshToken: string }
  | { kind: 'federatedToken'; server: string; tenantId: string; clientId: string; federatedToken?: string; federatedTokenFile?: string }
  | {
      kind: 'managedIdentity';
      server: string;
      tenantId: string;
      endpoint: string;
      /** App Service's protocol (IDENTITY_ENDPOINT): the X-IDENTITY-HEADER secret is read from IDENTITY_HEADER at each use. */
      appService?: boolean;
      clientId?: string;
      resourceId?: string;
      objectId?: string;
    };

interface CredentialFile {
  /** Keyed by `<server>|<tenant>|<user name>`. */
  credentials: Record<string, StoredCredential>;
}

const CREDENTIALS = 'credentials.json';

export function credentialKey(server: string, tenantId: string, userName: string): string {
  return `${server.toLowerCase()}|${tenantId.toLowerCase()}|${userName.toLowerCase()}`;
}

export function readCredential(key: string): StoredCredential | undefined {
  return readConfigFile<CredentialFile>(CREDENTIALS, { credentials: {} }).credentials[key];
}

export function writeCredential(key: string, credential: StoredCredential | undefined): void {
  const file = readConfigFile<CredentialFile>(CREDENTIALS, { credentials: {} });
  if (credential) file.credentials[key] = credential;
  else delete file.credentials[key];
  writeConfigFile(CREDENTIALS, file);
}

export function clearCredentials(): void {
  writeConfigFile(CREDENTIALS, { credentials: {} });
}
