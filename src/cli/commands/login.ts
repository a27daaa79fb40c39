import path from 'node:path';
import { Option } from 'commander';
import { leafCommand, onRun } from '../runtime/commandKit.js';
import { CliError, UsageError } from '../runtime/errors.js';
import { localCaFor, localDataDir, readLocalBootstrap } from '../runtime/localServer.js';
import { accountView, completeSignIn, type SignIn } from '../runtime/session.js';
import { CLI_CLIENT_ID, imdsToken, tokenRequestRaw } from '../runtime/tokens.js';
import { deviceCodeSignIn, userNameOf } from '../runtime/deviceCode.js';
import { identityCandidates, managedIdentityEndpoint } from '../runtime/managedIdentity.js';
import type { CliContext } from '../runtime/context.js';

interface LoginOptions {
  server?: string;
  caCert?: string;
  data?: string;
  servicePrincipal?: boolean;
  username?: string;
  password?: string;
  tenant?: string;
  useDeviceCode?: boolean;
  federatedToken?: string;
  identity?: boolean;
  allowNoSubscriptions?: boolean;
}

const DEFAULT_SERVER = 'https://127.0.0.1:8443';

/**
 * `amity login`: az's sign-in methods against an Amity server. With no credentials given, a local server's
 * administrator (from its bootstrap.json) signs in.
 */
export function loginCommand() {
  const cmd = leafCommand('login', 'Log in to an Amity server.')
    .addOption(new Option('--server <url>', 'The Amity server.').env('AMITY_SERVER'))
    .addOption(new Option('--ca-cert <file>', "PEM file of the CA that issued the server's certificate (a local server's is found automatically).").env('AMITY_CA_CERT'))
    .addOption(new Option('--data <dir>', "A local server's data folder, for its CA and administrator credentials.").env('AMITY_DATA'))
    .option('--service-principal', 'The credential representing a service principal.')
    .option('-u, --username <name>', 'User name, service principal (client id), or managed identity ID.')
    .option('-p, --password <secret>', 'Credentials like user password, or for a service principal, a client secret.')
    .option('-t, --tenant <tenant>', 'The tenant id.')
    .option('--use-device-code', 'Use device code flow: sign in from a browser on any device with a code.')
    .option('--federated-token <token>', 'Federated token that can be used for OIDC token exchange (with --service-principal -u <client id> --tenant).')
    .option('--allow-no-subscriptions', 'Support access tenants without subscriptions.')
    .option('-i, --identity', "Log in using the host's managed identity (IMDS through amity agent); -u picks a user-assigned identity by client id, object id or resource id.");
  return onRun<LoginOptions>(cmd, async (ctx, opts) => {
    const dataDir = localDataDir(opts.data);
    const local = readLocalBootstrap(dataDir);
    const server = (opts.server ?? local?.authorityHost ?? DEFAULT_SERVER).replace(/\/+$/, '');
    const caCert = opts.caCert ? path.resolve(opts.caCert) : localCaFor(server, dataDir);
    const signIn = await signInOf(ctx, opts, server, caCert, local);
    const accounts = await completeSignIn({ ...signIn, allowNoSubscriptions: opts.allowNoSubscriptions });
    ctx.info(`Signed in to ${server} as ${signIn.userName}.`);
    return accounts.map(accountView);
  });
}

async function signInOf(ctx: CliContext, opts: LoginOptions, server: string, caCert: string | undefined, local: ReturnType<typeof readLocalBootstrap>): Promise<SignIn> {
  if (opts.identity) return managedIdentitySignIn(opts, server, caCert);
  if (opts.useDeviceCode) return deviceCodeUserSignIn(ctx, opts, server, caCert, local);
  // A service principal (client id as the user name) proving itself with a federated token or a secret.
  const servicePrincipal = (tenantId: string, clientId: string, credential: SignIn['credential']): SignIn => ({ server, tenantId, caCert, userName: clientId, userType: 'servicePrincipal', credential });
  if (opts.federatedToken !== undefined) {
    if (!opts.servicePrincipal || !opts.username || !opts.tenant) throw new UsageError('usage error: --service-principal --username CLIENT_ID --tenant TENANT --federated-token TOKEN');
    return servicePrincipal(opts.tenant, opts.username, { kind: 'federatedToken', server, tenantId: opts.tenant, clientId: opts.username, federatedToken: opts.federatedToken });
  }
  if (opts.servicePrincipal) {
    if (!opts.username || opts.password === undefined || !opts.tenant) throw new UsageError('usage error: --service-principal --username NAME --password SECRET --tenant TENANT');
    return servicePrincipal(opts.tenant, opts.username, { kind: 'secret', server, tenantId: opts.tenant, clientId: opts.username, clientSecret: opts.password });
  }
  if (opts.username) {
    if (opts.password === undefined) throw new UsageError('usage error: --username NAME --password PASSWORD');
    const tenantId = opts.tenant ?? local?.tenantId;
    if (!tenantId) throw new UsageError('usage error: --tenant TENANT is required for this server');
    const reply = await tokenRequestRaw(server, tenantId, caCert, {
      grant_type: 'password',
      client_id: CLI_CLIENT_ID,
      username: opts.username,
      password: opts.password,
      scope: `${server}/.default offline_access`,
    });
    if (typeof reply.refresh_token !== 'string') throw new CliError('The server did not return a refresh token for the user sign-in.');
    return {
      server,
      tenantId,
      caCert,
      userName: opts.username,
      userType: 'user',
      // The password itself is never stored: the refresh token renews access until it expires.
      credential: { kind: 'refreshToken', server, tenantId, clientId: CLI_CLIENT_ID, username: opts.username, refreshToken: reply.refresh_token },
    };
  }
  if (local && local.authorityHost.replace(/\/+$/, '') === server) {
    return {
      server,
      tenantId: local.tenantId,
      caCert,
      userName: local.clientId,
      userType: 'servicePrincipal',
      credential: { kind: 'secret', server, tenantId: local.tenantId, clientId: local.clientId, clientSecret: local.clientSecret },
    };
  }
  throw new UsageError('usage error: give --service-principal -u -p --tenant, or -u -p for a user (device code and managed identity sign-in: see amity login --help)');
}

/** `--use-device-code`: the server's message on stderr (as az prints it), then wait for the person to approve. */
async function deviceCodeUserSignIn(ctx: CliContext, opts: LoginOptions, server: string, caCert: string | undefined, local: ReturnType<typeof readLocalBootstrap>): Promise<SignIn> {
  const tenantId = opts.tenant ?? local?.tenantId;
  if (!tenantId) throw new UsageError('usage error: --tenant TENANT is required for this server');
  const tokens = await deviceCodeSignIn(server, tenantId, caCert, { clientId: CLI_CLIENT_ID, scope: `${server}/.default offline_access openid profile` }, (start) =>
    // Not a warning --only-show-errors may hide: without it the sign-in cannot be completed.
    ctx.io.stderr.write(`WARNING: ${start.message}\n`),
  );
  if (typeof tokens.refresh_token !== 'string') throw new CliError('The server did not return a refresh token for the device code sign-in.');
  const userName = userNameOf(tokens) ?? 'user';
  return {
    server,
    tenantId,
    caCert,
    userName,
    userType: 'user',
    credential: { kind: 'refreshToken', server, tenantId, clientId: CLI_CLIENT_ID, username: userName, refreshToken: tokens.refresh_token },
  };
}

/**
 * `--identity`: a token from the host's endpoint proves the identity works and names its tenant; later tokens come
 * from the same endpoint, so nothing secret is stored. User names as az: systemAssignedIdentity / userAssignedIdentity.
 */
async function managedIdentitySignIn(opts: LoginOptions, server: string, caCert: string | undefined): Promise<SignIn> {
  const { endpoint, identityHeader } = managedIdentityEndpoint();
  let lastError: unknown;
  for (const candidate of identityCandidates(opts.username)) {
    const credential = { kind: 'managedIdentity' as const, server, tenantId: '', endpoint, ...(identityHeader ? { appService: true } : {}), ...candidate.selector };
    try {
      const token = await imdsToken(credential, `${server}/`, caCert);
      const tenantId = tenantOf(token.accessToken);
      return { server, tenantId, caCert, userName: candidate.name, userType: 'servicePrincipal', assignedIdentityInfo: candidate.info, credential: { ...credential, tenantId } };
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

function tenantOf(jwt: string): string {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { tid?: unknown };
    if (typeof claims.tid === 'string') return claims.tid;
  } catch {
    // handled below
  }
  throw new CliError('The managed identity endpoint returned a token without a tenant (tid).');
}
