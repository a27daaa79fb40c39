import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { KeyEncryptionKey } from '../directory/keyEncryption.js';
import { SigningKeys } from '../directory/signingKeys.js';
import { stsIssuer, TokenIssuer, type IssuerStyle } from '../directory/issuer.js';
import { TokenVerifier } from '../directory/tokenVerifier.js';
import { openDatabase } from '../store/database.js';
import { resumeGroupDeletions } from '../providers/resources/groupDeletion.js';
import { settleStaleJobs } from '../providers/resources/deploymentsRun.js';
import { buildApp } from './app.js';
import { RbacEvaluator, type RbacMode } from '../rbac/evaluator.js';
import { ensureAdminOwner } from '../rbac/adminOwner.js';
import { bootstrap, type BootstrapResult } from './bootstrap.js';
import type { ServerContext } from './context.js';
import { ensureLocalTls } from './tls.js';
import { WorkloadTokens } from '../tokens/workloadToken.js';
import { identityRevokedBefore } from '../providers/compute/hostIdentities.js';
import type { RateLimitOptions } from '../tokens/rateLimit.js';
import { Federation } from '../directory/federation/exchange.js';
import { Metrics } from './metrics.js';
import { ArmThrottle, AZURE_THROTTLE_LIMITS, type ThrottleLimits } from '../arm/throttling.js';
import { NodeHeartbeat } from './nodeHeartbeat.js';
import { installDrain } from './drain.js';

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
  /** Lifetime of workload (managed identity) tokens; default 86400 s, about Azure's 24 h. */
  tokenLifetimeSeconds?: number;
  /** `sts`: workload tokens carry `iss` = `https://sts.windows.net/{tid}/` (ARM then accepts that issuer too); default `amity`. */
  issuerStyle?: IssuerStyle;
  /** Per-host throttling of the workload token endpoint: Azure's 20/s and 5 concurrent (the default), other figures, or `false`. */
  hostRateLimit?: boolean | RateLimitOptions;
  /** Signing key schedule: rotate after this many days (default 30), publishing the new key this long before it signs (default 600 s). */
  keyRotationDays?: number;
  keyPublishDelaySeconds?: number;
  /** How often the keys are re-read from the database (another node's or the command's rotation); default 60 s. */
  keyReloadSeconds?: number;
  /** Workload identity federation: issuers that may be trusted (exact URLs or https origins); empty = any https issuer. */
  federationAllowedIssuers?: string[];
  /** PEM files of CAs trusted for external issuers besides the system roots (tests: the local CA). */
  federationCaCerts?: string[];
  /** Minimum seconds between key refreshes of one issuer on an unknown kid (default 10). */
  federationKeyRefreshSeconds?: number;
  /** ARM throttling per subscription and principal: off (the default), on with Azure's limits, or on with other limits. */
  throttling?: boolean | Partial<ThrottleLimits>;
  /** Serve `/metrics` (Prometheus text, no authentication); default on. */
  metrics?: boolean;
  /** On close, how long in-flight requests may take before their connections are cut; default 10 s. */
  shutdownGraceSeconds?: number;
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

  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 86_400;
  if (!Number.isInteger(tokenLifetimeSeconds) || tokenLifetimeSeconds < 60) throw new Error('the token lifetime must be a whole number of seconds, at least 60');
  const issuerStyle = options.issuerStyle ?? 'amity';
  if (issuerStyle !== 'amity' && issuerStyle !== 'sts') throw new Error(`unknown issuer style '${String(issuerStyle)}' (amity or sts)`);
  const database = await openDatabase(options.database ?? path.join(dataDir, 'amity.db'));
  let boot: BootstrapResult;
  let keys: SigningKeys;
  try {
    // Nodes starting together on one empty PostgreSQL: one bootstraps and makes the first key, the others join.
    boot = await database.exclusive(() => bootstrap(database, kek));
    await ensureAdminOwner(database);
    keys = new SigningKeys(database.db, kek, {
      maxTokenLifetimeSeconds: Math.max(3600, tokenLifetimeSeconds),
      ...(options.keyRotationDays !== undefined ? { rotateAfterDays: options.keyRotationDays } : {}),
      ...(options.keyPublishDelaySeconds !== undefined ? { publishDelaySeconds: options.keyPublishDelaySeconds } : {}),
      ...(options.keyReloadSeconds !== undefined ? { reloadIntervalSeconds: options.keyReloadSeconds } : {}),
    });
    await database.exclusive(() => keys.init());
  } catch (e) {
    await database.close();
    throw e;
  }

  // The public URL may depend on the port the OS picks, so the context is completed after listen.
  const rbac = new RbacEvaluator(database.db, options.rbac ?? 'enforce');
  const context = { database, keys, tenantId: boot.tenantId, background: new Set(), rbac } as unknown as ServerContext;
  context.metrics = new Metrics(context);
  const heartbeat = options.throttling ? startThrottling(context, options.throttling) : undefined;
  const app = buildApp(context, { https: { cert: tls.cert, key: tls.key }, logger: { level: options.logLevel ?? 'info', ...(options.logStream ? { stream: options.logStream } : {}) }, metrics: options.metrics ?? true });
  const drain = installDrain(app);
  try {
    await heartbeat?.start();
    await app.listen({ host: options.host, port: options.port });
  } catch (e) {
    // e.g. the port is taken: leave nothing open behind the error.
    await app.close().catch(() => undefined);
    await heartbeat?.stop();
    await database.close();
    throw e;
  }
  const port = (app.server.address() as AddressInfo).port;
  const listenHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `https://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`;
  const publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  const armEndpoint = `${publicUrl}/`;
  context.publicUrl = publicUrl;
  context.issuer = new TokenIssuer(keys, publicUrl, undefined, { lifetimeSeconds: tokenLifetimeSeconds, issuerStyle });
  context.armAudiences = armAudiencesFor(publicUrl);
  const armIssuers = [context.issuer.issuerFor(boot.tenantId), ...(issuerStyle === 'sts' ? [stsIssuer(boot.tenantId)] : [])];
  context.verifier = new TokenVerifier(keys, armIssuers, context.armAudiences, (id) => identityRevokedBefore(database.db, id));
  const rateLimit = options.hostRateLimit ?? true;
  context.workloadTokens = new WorkloadTokens(context, { rateLimit: rateLimit === true ? undefined : rateLimit });
  context.federation = new Federation(context, {
    allowedIssuers: options.federationAllowedIssuers,
    caCerts: options.federationCaCerts?.map((f) => fs.readFileSync(f, 'utf8')),
    refreshIntervalSeconds: options.federationKeyRefreshSeconds,
  });
  keys.startSchedule();
  context.graphVerifier = new TokenVerifier(keys, context.issuer.issuerFor(boot.tenantId), graphAudiencesFor(publicUrl));
  await resumeGroupDeletions(context);
  // Deployments a stopped node left running are failed, not resumed (their secure parameters were never stored).
  await settleStaleJobs(context);

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
      keys.stopSchedule();
      // Stop accepting, let in-flight requests finish (bounded), then the background work, then the database.
      await drain.close((options.shutdownGraceSeconds ?? 10) * 1000);
      await heartbeat?.stop();
      await Promise.allSettled([...context.background]);
      await database.close();
    },
  };
}

/** Turns ARM throttling on: the buckets, and the heartbeat that tells them how many nodes share the limits. */
function startThrottling(context: ServerContext, throttling: true | Partial<ThrottleLimits>): NodeHeartbeat {
  const limits = throttling === true ? AZURE_THROTTLE_LIMITS : { ...AZURE_THROTTLE_LIMITS, ...throttling };
  const throttle = new ArmThrottle(limits);
  context.throttle = throttle;
  return new NodeHeartbeat(context.database, (n) => throttle.setNodes(n), () => context.log);
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
