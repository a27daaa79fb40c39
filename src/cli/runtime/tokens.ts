import fs from 'node:fs';
import { readConfigFile, writeConfigFile } from './configDir.js';
import { CliError } from './errors.js';
import { httpRequest } from './http.js';
import { credentialKey, readCredential, writeCredential, type Account, type StoredCredential } from './profile.js';

/** az's public client id: user sign-ins present it, as the Azure CLI does. */
export const CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

/** Tokens are renewed this long before they expire, so a long command never sends an expired one. */
const REFRESH_MARGIN_SECONDS = 300;

export interface AccessToken {
  accessToken: string;
  /** Seconds since the epoch. */
  expiresOn: number;
  tokenType: string;
}

interface TokenCacheFile {
  tokens: Record<string, AccessToken>;
}

const TOKENS = 'tokens.json';

/** The audience of the server's ARM API. */
export function armResourceOf(server: string): string {
  return `${server}/`;
}

/** The audience of the server's Microsoft Graph API. */
export function graphResourceOf(server: string): string {
  return `${server}/msgraph/`;
}

/** A token for `resource` as the account's signed-in principal: from the cache, or fresh from the server. */
export async function tokenFor(account: Account, resource: string, options: { forceRefresh?: boolean } = {}): Promise<AccessToken> {
  const key = credentialKey(account.server, account.tenantId, account.user.name);
  const cacheKey = `${key}|${resource}`;
  const cache = readConfigFile<TokenCacheFile>(TOKENS, { tokens: {} });
  const cached = cache.tokens[cacheKey];
  if (!options.forceRefresh && cached && cached.expiresOn - REFRESH_MARGIN_SECONDS > Date.now() / 1000) return cached;

  const credential = readCredential(key);
  if (!credential) throw new CliError(`No credentials for '${account.user.name}'. Please run 'amity login' to setup account.`);
  const token = await acquire(credential, resource, account.caCert);
  const latest = readConfigFile<TokenCacheFile>(TOKENS, { tokens: {} });
  latest.tokens[cacheKey] = token;
  for (const [k, t] of Object.entries(latest.tokens)) if (t.expiresOn < Date.now() / 1000) delete latest.tokens[k];
  writeConfigFile(TOKENS, latest);
  return token;
}

export function clearTokenCache(): void {
  writeConfigFile(TOKENS, { tokens: {} });
}

/** Drops the cached tokens of one sign-in (`credentialKey`), as logout does. */
export function forgetTokens(key: string): void {
  const cache = readConfigFile<TokenCacheFile>(TOKENS, { tokens: {} });
  for (const k of Object.keys(cache.tokens)) if (k.startsWith(`${key}|`)) delete cache.tokens[k];
  writeConfigFile(TOKENS, cache);
}

async function acquire(credential: StoredCredential, resource: string, caCert: string | undefined): Promise<AccessToken> {
  const scope = `${resource}.default`;
  switch (credential.kind) {
    case 'secret':
      return tokenRequest(credential.server, credential.tenantId, caCert, { grant_type: 'client_credentials', client_id: credential.clientId, client_secret: credential.clientSecret, scope });
    case 'federatedToken': {
      const assertion = credential.federatedTokenFile ? fs.readFileSync(credential.federatedTokenFile, 'utf8').trim() : credential.federatedToken;
      if (!assertion) throw new CliError('The federated token is missing; sign in again with amity login --federated-token.');
      return tokenRequest(credential.server, credential.tenantId, caCert, {
        grant_type: 'client_credentials',
        client_id: credential.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope,
      });
    }
    case 'refreshToken': {
      const reply = await tokenRequestRaw(credential.server, credential.tenantId, caCert, {
        grant_type: 'refresh_token',
        client_id: credential.clientId,
        refresh_token: credential.refreshToken,
        scope: `${scope} offline_access`,
      });
      // Refresh tokens rotate: the new one replaces the old, or the next refresh would be refused.
      if (typeof reply.refresh_token === 'string') writeCredential(credentialKey(credential.server, credential.tenantId, credential.username), { ...credential, refreshToken: reply.refresh_token });
      return accessTokenOf(reply);
    }
    case 'managedIdentity':
      return imdsToken(credential, resource, caCert);
  }
}

/** A token from the host's managed identity endpoint: IMDS (`amity agent`, or Azure's own) or App Service's. */
export async function imdsToken(credential: Extract<StoredCredential, { kind: 'managedIdentity' }>, resource: string, caCert?: string): Promise<AccessToken> {
  const url = new URL(credential.endpoint);
  const headers: Record<string, string> = {};
  if (credential.appService) {
    const secret = process.env.IDENTITY_HEADER;
    if (!secret) throw new CliError('IDENTITY_HEADER is not set: the App Service managed identity endpoint needs it.');
    url.searchParams.set('api-version', '2019-08-01');
    headers['x-identity-header'] = secret;
  } else {
    url.searchParams.set('api-version', '2018-02-01');
    headers.Metadata = 'true';
  }
  url.searchParams.set('resource', resource);
  if (credential.clientId) url.searchParams.set('client_id', credential.clientId);
  if (credential.objectId) url.searchParams.set(credential.appService ? 'principal_id' : 'object_id', credential.objectId);
  if (credential.resourceId) url.searchParams.set(credential.appService ? 'mi_res_id' : 'msi_res_id', credential.resourceId);
  // App Service's endpoint is the server's own (https, its CA); IMDS is plain http on the host.
  const reply = await httpRequest({ method: 'GET', url: url.toString(), headers, caCert });
  const body = parseJson(reply.text);
  if (reply.status !== 200) throw new CliError(`The managed identity endpoint ${url.origin} refused: ${String(body.error_description ?? body.error ?? reply.text)}`);
  return accessTokenOf(body);
}

export async function tokenRequest(server: string, tenantId: string, caCert: string | undefined, form: Record<string, string>): Promise<AccessToken> {
  return accessTokenOf(await tokenRequestRaw(server, tenantId, caCert, form));
}

/** POSTs to the tenant's v2 token endpoint; an Entra error becomes `AADSTS…` text as az shows it. */
export async function tokenRequestRaw(server: string, tenantId: string, caCert: string | undefined, form: Record<string, string>): Promise<Record<string, unknown>> {
  const reply = await httpRequest({
    method: 'POST',
    url: `${server}/${tenantId}/oauth2/v2.0/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    caCert,
  });
  const body = parseJson(reply.text);
  if (reply.status !== 200) {
    const description = typeof body.error_description === 'string' ? body.error_description : reply.text;
    throw new CliError(description.split('\r\n')[0] || `The token endpoint answered ${reply.status}.`);
  }
  return body;
}

function accessTokenOf(body: Record<string, unknown>): AccessToken {
  const accessToken = body.access_token;
  if (typeof accessToken !== 'string') throw new CliError('The token endpoint answered without an access token.');
  const expiresOn = Number(body.expires_on ?? Math.floor(Date.now() / 1000) + Number(body.expires_in ?? 3600));
  return { accessToken, expiresOn, tokenType: typeof body.token_type === 'string' ? body.token_type : 'Bearer' };
}

export function parseJson(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
