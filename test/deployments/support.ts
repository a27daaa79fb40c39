import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpResponse } from '../support/http.js';
import type { TestServer } from '../support/server.js';
import { pathOfLink } from '../arm/helpers.js';

/** Shared pieces of the template deployment suites (test/deployments/*.test.ts). */

export const DEPLOY_API = '2026-06-01';
export const RG_API = '2021-04-01';
export const MSI_API = '2024-11-30';
export const VM_API = '2022-08-01';
export const AUTHZ_API = '2022-04-01';
export const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SEED_TEMPLATE_PATH = path.join(here, '..', 'templates', 'fixtures', 'seedIdentity.json');
export const seedTemplate = (): Record<string, unknown> => JSON.parse(fs.readFileSync(SEED_TEMPLATE_PATH, 'utf8'));

export type Caller = { arm(method: string, path: string, body?: unknown): Promise<HttpResponse> };

export function deploymentPath(s: TestServer, group: string | undefined, name: string, suffix = '', apiVersion = DEPLOY_API): string {
  const scope = group === undefined ? `/subscriptions/${s.subscriptionId}` : `/subscriptions/${s.subscriptionId}/resourcegroups/${group}`;
  return `${scope}/providers/Microsoft.Resources/deployments/${name}${suffix}?api-version=${apiVersion}`;
}

export async function createGroup(s: TestServer, name: string, location = 'westus'): Promise<void> {
  const res = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/${name}?api-version=${RG_API}`, { location });
  assert.ok(res.status === 200 || res.status === 201, res.text);
}

/** Polls an Azure-AsyncOperation URL until the status is terminal; returns that status body. */
export async function pollStatus(s: TestServer, url: unknown, caller: Caller = s, timeoutMs = 60_000): Promise<any> {
  const p = pathOfLink(s, url);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await caller.arm('GET', p);
    assert.equal(res.status, 200, res.text);
    if (!['Running', 'Accepted', 'InProgress'].includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`deployment still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** PUT a deployment, check the Accepted answer and its polling headers, wait for the end; returns the final GET body. */
export async function deploy(
  s: TestServer,
  group: string | undefined,
  name: string,
  template: unknown,
  parameters: Record<string, unknown> = {},
  opts: { caller?: Caller; location?: string; mode?: string } = {},
): Promise<any> {
  const caller = opts.caller ?? s;
  const body = { ...(opts.location ? { location: opts.location } : {}), properties: { template, parameters: paramValues(parameters), mode: opts.mode ?? 'Incremental' } };
  const put = await caller.arm('PUT', deploymentPath(s, group, name), body);
  assert.ok(put.status === 201 || put.status === 200, `PUT deployment ${name}: ${put.status} ${put.text}`);
  assert.ok(['Accepted', 'Running'].includes(put.body.properties.provisioningState), put.text);
  assert.equal(put.headers['retry-after'], '1');
  assert.ok(put.headers['location'], 'Location header missing');
  await pollStatus(s, put.headers['azure-asyncoperation'], caller);
  const got = await caller.arm('GET', deploymentPath(s, group, name));
  assert.equal(got.status, 200, got.text);
  return got.body;
}

/** `{k: v}` → `{k: {value: v}}`. */
export function paramValues(values: Record<string, unknown>): Record<string, { value: unknown }> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }]));
}

/** The template of the issue's scenario: an identity, a federated credential on it, a VM using it, and a role for its principal. */
export function identityVmTemplate(): Record<string, any> {
  return {
    $schema: SCHEMA,
    contentVersion: '1.0.0.0',
    parameters: {
      identityName: { type: 'string' },
      vmName: { type: 'string', defaultValue: 'vm1' },
      issuer: { type: 'string', defaultValue: 'https://token.actions.githubusercontent.com' },
    },
    variables: {
      // Reader
      roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]",
      identityId: "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName'))]",
    },
    resources: [
      {
        type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
        apiVersion: '2023-01-31',
        name: "[parameters('identityName')]",
        location: '[resourceGroup().location]',
        tags: { purpose: 'deploy-test' },
      },
      {
        type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
        apiVersion: '2023-01-31',
        name: "[format('{0}/{1}', parameters('identityName'), 'github')]",
        dependsOn: ["[variables('identityId')]"],
        properties: { issuer: "[parameters('issuer')]", subject: 'repo:contoso/app:ref:refs/heads/main', audiences: ['api://AzureADTokenExchange'] },
      },
      {
        type: 'Microsoft.Compute/virtualMachines',
        apiVersion: VM_API,
        name: "[parameters('vmName')]",
        location: '[resourceGroup().location]',
        dependsOn: ["[variables('identityId')]"],
        identity: { type: 'UserAssigned', userAssignedIdentities: { "[variables('identityId')]": {} } },
        properties: { osType: 'Linux' },
      },
      {
        type: 'Microsoft.Authorization/roleAssignments',
        apiVersion: AUTHZ_API,
        name: "[guid(resourceGroup().id, parameters('identityName'), variables('roleDefinitionId'))]",
        dependsOn: ["[variables('identityId')]"],
        properties: {
          roleDefinitionId: "[variables('roleDefinitionId')]",
          principalId: "[reference(variables('identityId'), '2023-01-31').principalId]",
          principalType: 'ServicePrincipal',
        },
      },
    ],
    outputs: {
      principalId: { type: 'string', value: "[reference(variables('identityId'), '2023-01-31').principalId]" },
      clientId: { type: 'string', value: "[reference(variables('identityId'), '2023-01-31').clientId]" },
    },
  };
}
