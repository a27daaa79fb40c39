import fs from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { Option } from 'commander';
import { leafCommand, onRun } from '../runtime/commandKit.js';
import type { CliContext } from '../runtime/context.js';
import { ArmClient } from '../runtime/armClient.js';
import { CliError, UsageError } from '../runtime/errors.js';
import { httpRequest } from '../runtime/http.js';
import { armResourceOf, graphResourceOf } from '../runtime/tokens.js';

interface RestOptions {
  method: string;
  url?: string;
  uri?: string;
  urlParameters?: string[];
  body?: string;
  headers?: string[];
  uriParameters?: string[];
  resource?: string;
  skipAuthorizationHeader?: boolean;
  outputFile?: string;
}

/**
 * `amity rest`: az rest. A relative URL goes to the current server's ARM API; URLs of the server's Graph API get a
 * Graph token, other URLs on the server an ARM token, URLs elsewhere none (unless --resource names an audience).
 */
export function restCommand() {
  const cmd = leafCommand('rest', 'Invoke a custom request.')
    .addOption(new Option('-m, --method <method>', 'HTTP request method.').choices(['head', 'get', 'put', 'post', 'delete', 'options', 'patch']).default('get'))
    .option('-u, --url <url>', "Request URL. If it doesn't start with a host, the current server's URL is prepended.")
    .addOption(new Option('--uri <url>', 'Same as --url.').hideHelp())
    .option('-b, --body <body>', "Request body. Use @{file} to load from a file.")
    .option('--headers <headers...>', "Space-separated headers in KEY=VALUE format or JSON string. Use @{file} to load from a file.")
    .option('--uri-parameters <parameters...>', 'Query parameters in the URL. Space-separated queries in KEY=VALUE format or JSON string. Use @{file} to load from a file.')
    .addOption(new Option('--url-parameters <parameters...>', 'Same as --uri-parameters.').hideHelp())
    .option('--resource <resource>', 'Resource url for which the CLI should acquire a token in order to access the service.')
    .option('--skip-authorization-header', 'Do not auto-append Authorization header.')
    .option('--output-file <file>', 'Save response payload to a file.');
  return onRun<RestOptions>(cmd, async (ctx, o) => {
    const target = o.url ?? o.uri;
    if (!target) throw new UsageError('the following arguments are required: --url/--uri/-u');
    const account = ctx.account();
    const server = account.server;
    const url = new URL(/^https?:\/\//i.test(target) ? target : `${server}${target.startsWith('/') ? '' : '/'}${target}`);
    for (const [k, v] of Object.entries(keyValues([...(o.uriParameters ?? []), ...(o.urlParameters ?? [])], '--uri-parameters'))) url.searchParams.set(k, v);
    const headers = keyValues(o.headers, '--headers');
    const body = o.body === undefined ? undefined : readAt(o.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      // az sends JSON bodies as JSON; anything else as it is.
      if (isJson(body)) headers['Content-Type'] = 'application/json';
    }
    const method = o.method.toUpperCase();
    const resource = o.skipAuthorizationHeader ? undefined : (o.resource ?? audienceOf(url, server));
    const reply = resource
      ? await rawWithToken(ctx, resource, method, url.toString(), body, headers)
      : await httpRequest({ method, url: url.toString(), headers, body, caCert: account.caCert });
    if (reply.status >= 400) throw new CliError(`${STATUS_CODES[reply.status] ?? reply.status}(${reply.text})`);
    if (o.outputFile) {
      fs.writeFileSync(o.outputFile, reply.text);
      return undefined;
    }
    if (!reply.text) return undefined;
    try {
      return JSON.parse(reply.text) as unknown;
    } catch {
      // Not JSON: printed as it came, as az does.
      ctx.io.stdout.write(reply.text.endsWith('\n') ? reply.text : `${reply.text}\n`);
      return undefined;
    }
  });
}

function audienceOf(url: URL, server: string): string | undefined {
  const base = new URL(server);
  if (url.origin !== base.origin) return undefined;
  return url.pathname.toLowerCase().startsWith('/msgraph/') ? graphResourceOf(server) : armResourceOf(server);
}

async function rawWithToken(ctx: CliContext, resource: string, method: string, url: string, body: string | undefined, headers: Record<string, string>) {
  const client = new ArmClient(ctx.account(), resource);
  const reply = await client.request(method, url, body, headers);
  return reply;
}

/** `@file` reads the file, as az's `@{file}` arguments. */
function readAt(value: string): string {
  if (!value.startsWith('@')) return value;
  try {
    return fs.readFileSync(value.slice(1), 'utf8');
  } catch {
    throw new CliError(`The file '${value.slice(1)}' cannot be read.`);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `KEY=VALUE` words or one JSON object (or `@file` of one), as az's --headers and --uri-parameters. */
function keyValues(values: string[] | undefined, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of values ?? []) {
    const value = readAt(raw);
    if (value.trim().startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        throw new UsageError(`usage error: ${option} is not valid JSON: ${value}`);
      }
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) out[k] = String(v);
      continue;
    }
    const eq = value.indexOf('=');
    if (eq <= 0) throw new UsageError(`usage error: ${option} KEY=VALUE [KEY=VALUE ...] or a JSON string ('${value}')`);
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}
