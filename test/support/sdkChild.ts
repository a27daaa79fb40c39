import { execFile } from 'node:child_process';
import path from 'node:path';
import type { TestServer } from './server.js';

/**
 * Runs an Azure SDK scenario (test/conformance/*Scenario.ts) in a child process: Node reads NODE_EXTRA_CA_CERTS
 * (the server's CA) only at start-up. The scenario prints its observations as one JSON object on its last line.
 */

/** The caller's environment minus anything that would steer the SDK elsewhere (AZURE_*, proxies). */
export function withoutAzureSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^(AZURE_|MSAL_|IDENTITY_|MSI_|IMDS_)/i.test(k) && !/_proxy$/i.test(k)));
}

/**
 * What a scenario reads (sdkScenarioEnv.ts): the server's CA, URL, tenant, subscription and admin credentials, and
 * `extra`. Anything but this server goes to a proxy that refuses connections: the scenario must not need the
 * internet (e.g. login.microsoftonline.com instance discovery).
 */
export function scenarioEnv(s: TestServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: s.caCertPath,
    AMITY_URL: s.url,
    AMITY_TENANT_ID: s.tenantId,
    AMITY_SUBSCRIPTION_ID: s.subscriptionId,
    AMITY_CLIENT_ID: s.clientId,
    AMITY_CLIENT_SECRET: s.clientSecret,
    ...extra,
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
  };
}

/** Runs `node --import tsx <scenario>` with `env` over the scrubbed environment and returns the JSON it printed last. */
export function runScenario(scenario: string, env: Record<string, string>): Promise<any> {
  const name = path.basename(scenario, '.ts');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', scenario],
      { env: { ...withoutAzureSettings(process.env), ...env }, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${name} failed (${error.code ?? error.signal}):\n${stderr}`));
        const last = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(last));
        } catch {
          reject(new Error(`${name} printed no JSON result:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}
