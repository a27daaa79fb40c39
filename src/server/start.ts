import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { KeyEncryptionKey } from '../directory/keyEncryption.js';
import { SigningKeys } from '../directory/signingKeys.js';
import { TokenIssuer } from '../directory/issuer.js';
import { TokenVerifier } from '../directory/tokenVerifier.js';
import { openDatabase } from '../store/database.js';
import { resumeGroupDeletions } from '../providers/resources/groupDeletion.js';
import { buildApp } from './app.js';
import { RbacEvaluator, type RbacMode } from '../rbac/evaluator.js';
import { ensureAdminOwner } from '../rbac/adminOwner.js';
import { bootstrap, type BootstrapResult } from './bootstrap.js';
import type { ServerContext } from './context.js';
import { ensureLocalTls } from './tls.js';

export interface ServerOptions {
  host: string;
  port: number;
  dataDir: string;
  /** A SQLite file or a postgres:// URL; default `<data>/amity.db`. */
  database?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** Extra names for the generated certificate. */
  hostnames?: string[];
  publicUrl?: string;
  logLevel?: string;
  /** Where log lines go (one JSON object a line); default stdout. */
  logStream?: { write(line: string): void };
  keyEncryptionKey?: string;
  keyEncryptionKeyFile?: string;
  /** RBAC: 'enforce' (the default), or 'bypass' to compare the cost of enforcement (bench only). */
  rbac?: RbacMode;
}

export interface BootstrapFile {
  tenantId: string;
  subscriptionId: string;
  clientId: string;
  clientSecret: string;
  armEndpoint: string;
  /** The Microsoft Graph base (`microsoftGraphResourceId` for az); requests go to `<graphEndpoint>v1.0/...`. */
  graphEndpoint: string;
  authorityHost: string;
  caCertPath: string;
  caBundlePath: string;
}

export interface RunningServer {
  /** Where this process listens. */
  url: string;
  publicUrl: string;
  armEndpoint: string;
  tenantId: string;
  subscriptionId: string;
  caCertPath?: string;
  caBundlePath?: string;
  /** Only when this start created the tenant. */
  bootstrapFile?: BootstrapFile;
  context: ServerContext;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // The key first: a wrong or malformed one is refused before anything else is made.
  const kek = KeyEncryptionKey.load({ env: options.keyEncryptionKey, file: options.keyEncryptionKeyFile, dataDir });
  const tls =
    options.tlsCert && options.tlsKey
      ? { cert: fs.readFileSync(options.tlsCert, 'utf8'), key: fs.readFileSync(options.tlsKey, 'utf8'), caCertPath: undefined, caBundlePath: undefined }
      : await ensureLocalTls(path.join(dataDir, 'tls'), [options.host, ...(options.hostnames ?? [])].filter((h) => h && h !== '0.0.0.0' && h !== '::'));

  const database = await openDatabase(options.database ?? path.join(dataDir, 'amity.db'));
  let boot: BootstrapResult;
  let keys: SigningKeys;
  try {
    boot = await bootstrap(database, kek);
    await ensureAdminOwner(database);
    keys = new SigningKeys(database.db, kek);
    await keys.init();
  } catch (e) {
    await database.close();
    throw e;
  }

  // The public URL may depend on the port the OS picks, so the context is completed after listen.
  const rbac = new RbacEvaluator(database.db, options.rbac ?? 'enforce');
  const context = { database, keys, tenantId: boot.tenantId, background: new Set(), rbac } as unknown as ServerContext;
  const app = buildApp(context, { https: { cert: tls.cert, key: tls.key }, logger: { level: options.logLevel ?? 'info', ...(options.logStream ? { stream: options.logStream } : {}) } });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (e) {
    // e.g. the port is taken: leave nothing open behind the error.
    await app.close().catch(() => undefined);
    await database.close();
    throw e;
  }
  const port = (app.server.address() as AddressInfo).port;
  const listenHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `https://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`;
  const publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  const armEndpoint = `${publicUrl}/`;
  context.publicUrl = publicUrl;
  context.issuer = new TokenIssuer(keys, publicUrl);
  context.armAudiences = armAudiencesFor(publicUrl);
  context.verifier = new TokenVerifier(keys, context.issuer.issuerFor(boot.tenantId), context.armAudiences);
  context.graphVerifier = new TokenVerifier(keys, context.issuer.issuerFor(boot.tenantId), graphAudiencesFor(publicUrl));
  await resumeGroupDeletions(context);

  let bootstrapFile: BootstrapFile | undefined;
  if (boot.admin) {
    bootstrapFile = {
      tenantId: boot.tenantId,
      subscriptionId: boot.subscriptionId,
      clientId: boot.admin.clientId,
      clientSecret: boot.admin.clientSecret,
      armEndpoint,
      graphEndpoint: `${publicUrl}/msgraph/`,
      authorityHost: publicUrl,
      caCertPath: tls.caCertPath ?? '',
      caBundlePath: tls.caBundlePath ?? '',
    };
    const file = path.join(dataDir, 'bootstrap.json');
    fs.writeFileSync(file, JSON.stringify(bootstrapFile, null, 2) + '\n', { mode: 0o600 });
    fs.chmodSync(file, 0o600);
  }

  return {
    url,
    publicUrl,
    armEndpoint,
    tenantId: boot.tenantId,
    subscriptionId: boot.subscriptionId,
    caCertPath: tls.caCertPath,
    caBundlePath: tls.caBundlePath,
    bootstrapFile,
    context,
    async close() {
      await app.close();
      await Promise.allSettled([...context.background]);
      await database.close();
    },
  };
}

/** Graph tokens may be for this server's Graph endpoint (with or without the trailing slash) or for Microsoft Graph's own. */
function graphAudiencesFor(publicUrl: string): string[] {
  const bases = [`${publicUrl}/msgraph`];
  const u = new URL(publicUrl);
  if (u.hostname === '127.0.0.1') bases.push(`${publicUrl.replace('127.0.0.1', 'localhost')}/msgraph`);
  if (u.hostname === 'localhost') bases.push(`${publicUrl.replace('localhost', '127.0.0.1')}/msgraph`);
  return [...bases.flatMap((b) => [`${b}/`, b]), 'https://graph.microsoft.com', 'https://graph.microsoft.com/'];
}

/** ARM tokens may be for this server's endpoint or for Azure's own, so SDK clients with default scopes work unchanged. */
function armAudiencesFor(publicUrl: string): string[] {
  const bases = [publicUrl];
  const u = new URL(publicUrl);
  // 127.0.0.1 and localhost are the same server to a user following the README.
  if (u.hostname === '127.0.0.1') bases.push(publicUrl.replace('127.0.0.1', 'localhost'));
  if (u.hostname === 'localhost') bases.push(publicUrl.replace('localhost', '127.0.0.1'));
  const audiences = bases.flatMap((b) => [`${b}/`, b]);
  return [...audiences, 'https://management.azure.com/', 'https://management.azure.com', 'https://management.core.windows.net/', 'https://management.core.windows.net'];
}
