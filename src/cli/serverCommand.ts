import { Command, Option } from 'commander';

export function serverCommand(): Command {
  return new Command('server')
    .description('run the Amity server (ARM control plane, token issuer)')
    .addOption(new Option('--host <host>', 'address to listen on').env('AMITY_HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on').env('AMITY_PORT').default('8443').argParser(parsePort))
    .addOption(new Option('--data <dir>', 'data folder (SQLite database, keys, TLS material)').env('AMITY_DATA').default('.amity'))
    .addOption(new Option('--database <spec>', 'SQLite file or postgres:// URL (default <data>/amity.db)').env('AMITY_DATABASE'))
    .addOption(new Option('--tls-cert <file>', 'TLS certificate (PEM); default: generated from a local CA').env('AMITY_TLS_CERT'))
    .addOption(new Option('--tls-key <file>', 'TLS private key (PEM)').env('AMITY_TLS_KEY'))
    .addOption(new Option('--hostname <name...>', 'extra host names for the generated certificate').env('AMITY_HOSTNAME'))
    .addOption(new Option('--public-url <url>', 'the URL clients use (issuer, discovery, nextLinks derive from it)').env('AMITY_PUBLIC_URL'))
    .addOption(new Option('--key-encryption-key-file <file>', 'file holding the 32-byte key that encrypts signing keys').env('AMITY_KEY_ENCRYPTION_KEY_FILE'))
    .addOption(new Option('--token-lifetime <seconds>', 'lifetime of workload (managed identity) tokens; Azure gives about 24 h').env('AMITY_TOKEN_LIFETIME').default('86400'))
    .addOption(new Option('--issuer-style <style>', "workload token issuer: 'amity' (<public-url>/<tenant>/) or 'sts' (https://sts.windows.net/<tenant>/)").env('AMITY_ISSUER_STYLE').choices(['amity', 'sts']).default('amity'))
    .addOption(new Option('--host-rate-limit <on|off>', "per-host throttling of the workload token endpoint (20/s, 5 concurrent, as Azure)").env('AMITY_HOST_RATE_LIMIT').choices(['on', 'off']).default('on'))
    .addOption(new Option('--federation-allowed-issuers <urls>', 'workload identity federation: comma-separated issuers (or https origins) that may be trusted; default any https issuer').env('AMITY_FEDERATION_ALLOWED_ISSUERS'))
    .addOption(new Option('--throttling <on|off>', "ARM throttling per subscription and principal (Azure's limits: reads 250 then 25/s, writes and deletes 200 then 10/s)").env('AMITY_THROTTLING').choices(['on', 'off']).default('off'))
    .addOption(new Option('--metrics <on|off>', 'serve Prometheus metrics at /metrics (no authentication: block it at the load balancer if the port is public)').env('AMITY_METRICS').choices(['on', 'off']).default('on'))
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug').env('AMITY_LOG_LEVEL').default('info'))
    .action(async (opts) => {
      if ((opts.tlsCert && !opts.tlsKey) || (!opts.tlsCert && opts.tlsKey)) throw new Error('--tls-cert and --tls-key go together');
      const hostnames = typeof opts.hostname === 'string' ? opts.hostname.split(',') : opts.hostname;
      // Loaded here, not at the top: every other CLI command would pay for Fastify and the store at startup.
      const { startServer } = await import('../server/start.js');
      const { signInHelp } = await import('../server/signInHelp.js');
      const server = await startServer({
        host: opts.host,
        port: opts.port,
        dataDir: opts.data,
        database: opts.database,
        tlsCert: opts.tlsCert,
        tlsKey: opts.tlsKey,
        hostnames,
        publicUrl: opts.publicUrl,
        logLevel: opts.logLevel,
        keyEncryptionKey: process.env.AMITY_KEY_ENCRYPTION_KEY,
        keyEncryptionKeyFile: opts.keyEncryptionKeyFile,
        tokenLifetimeSeconds: parseLifetime(opts.tokenLifetime),
        issuerStyle: opts.issuerStyle,
        hostRateLimit: opts.hostRateLimit !== 'off',
        throttling: opts.throttling === 'on',
        metrics: opts.metrics !== 'off',
        federationAllowedIssuers: opts.federationAllowedIssuers ? String(opts.federationAllowedIssuers).split(',').map((u: string) => u.trim()).filter(Boolean) : undefined,
      });
      const stop = () => {
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      // Handlers first: a supervisor that waits for the help and then sends SIGTERM must get a clean stop.
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stdout.write(signInHelp(server, opts.data) + '\n');
    });
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port '${value}'`);
  return n;
}

function parseLifetime(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 60) throw new Error(`invalid token lifetime '${value}' (whole seconds, at least 60)`);
  return n;
}
