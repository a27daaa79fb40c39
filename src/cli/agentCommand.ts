import { Command, Option } from 'commander';
import { DEFAULT_AGENT_PORT, startAgent } from '../agent/server.js';

export function agentCommand(): Command {
  return new Command('agent')
    .description('serve Azure IMDS (/metadata/identity/oauth2/token) on this host, backed by the server (App Service endpoint)')
    .addOption(new Option('--identity-endpoint <url>', "the host's identity endpoint (regenerateIdentityCredential's identityEndpoint)").env('IDENTITY_ENDPOINT'))
    .addOption(new Option('--identity-header <secret>', "the host's secret (regenerateIdentityCredential's identityHeader)").env('IDENTITY_HEADER'))
    .addOption(new Option('--host <host>', 'address to listen on (plain HTTP: keep it on loopback)').env('AMITY_AGENT_HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on').env('AMITY_AGENT_PORT').default(String(DEFAULT_AGENT_PORT)).argParser(parsePort))
    .addOption(new Option('--ca-cert <file>', "CA certificate (PEM) the server's certificate chains to; default: system roots + NODE_EXTRA_CA_CERTS").env('AMITY_AGENT_CA_CERT'))
    .addOption(new Option('--state-poll <ms>', 'how often to ask the server whether the host changed').default('2000').argParser(parsePositive))
    .action(async (opts) => {
      if (!opts.identityEndpoint) throw new Error('--identity-endpoint (or IDENTITY_ENDPOINT) is required');
      if (!opts.identityHeader) throw new Error('--identity-header (or IDENTITY_HEADER) is required');
      const agent = await startAgent({
        identityEndpoint: opts.identityEndpoint,
        identityHeader: opts.identityHeader,
        host: opts.host,
        port: typeof opts.port === 'number' ? opts.port : Number(opts.port),
        caCertFile: opts.caCert,
        statePollMs: typeof opts.statePoll === 'number' ? opts.statePoll : Number(opts.statePoll),
        log: (msg) => process.stderr.write(`amity agent: ${msg}\n`),
      });
      const stop = () => {
        agent.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stdout.write(`amity agent: IMDS on ${agent.url}/metadata/identity/oauth2/token\nexport AZURE_POD_IDENTITY_AUTHORITY_HOST=${agent.url}\n`);
    });
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port '${value}'`);
  return n;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 100) throw new Error(`invalid interval '${value}' (milliseconds, at least 100)`);
  return n;
}
