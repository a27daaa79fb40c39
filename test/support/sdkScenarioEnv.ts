import { ClientSecretCredential } from '@azure/identity';

/**
 * The set-up shared by the Azure SDK scenarios (test/conformance/*Scenario.ts, run by sdkChild.ts): the settings
 * they read from the environment, credentials against the server, and printing the result.
 */

/** A variable the scenario cannot run without. */
export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

/** AMITY_URL, AMITY_TENANT_ID, AMITY_SUBSCRIPTION_ID. */
export const url = env('AMITY_URL');
export const tenantId = env('AMITY_TENANT_ID');
export const subscriptionId = env('AMITY_SUBSCRIPTION_ID');

export const MANAGEMENT_SCOPE = 'https://management.azure.com/.default';

/** A client-secret credential against the server, with no instance discovery (which would go to the internet). */
export function credentialFor(clientId: string, clientSecret: string): ClientSecretCredential {
  return new ClientSecretCredential(tenantId, clientId, clientSecret, { authorityHost: url, disableInstanceDiscovery: true });
}

export async function collect<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iter) out.push(item);
  return out;
}

/**
 * Runs the scenario and prints its result as one JSON line on stdout; a failure goes to stderr (the stack, then
 * `details(e)` when given) and exits non-zero.
 */
export function report(main: () => Promise<Record<string, unknown>>, details?: (e: unknown) => string): void {
  main().then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    },
    (e) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n${details ? `${details(e)}\n` : ''}`);
      process.exit(1);
    },
  );
}
