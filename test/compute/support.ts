import assert from 'node:assert/strict';
import type { TestServer } from '../support/server.js';

/** Shared pieces of the host (virtual machine) suites. */
export const VM_API = '2022-08-01';
export const MSI_API = '2024-11-30';
export const RG_API = '2021-04-01';
export const VM = 'Microsoft.Compute/virtualMachines';
export const UAMI = 'Microsoft.ManagedIdentity/userAssignedIdentities';

/** One suite per backend, one server per suite: the ARM suites' helper. */
export { forEachBackend as perBackend } from '../arm/helpers.js';

export async function group(s: TestServer, name: string, location = 'westus'): Promise<string> {
  const res = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/${name}?api-version=${RG_API}`, { location });
  assert.ok(res.status === 200 || res.status === 201, res.text);
  return `/subscriptions/${s.subscriptionId}/resourceGroups/${name}`;
}

export async function identity(s: TestServer, rg: string, name: string, body: Record<string, unknown> = { location: 'westus' }, apiVersion = MSI_API): Promise<any> {
  const res = await s.arm('PUT', `${rg}/providers/${UAMI}/${name}?api-version=${apiVersion}`, body);
  assert.ok(res.status === 200 || res.status === 201, res.text);
  return res.body;
}

export const vmPath = (rg: string, name: string, apiVersion = VM_API) => `${rg}/providers/${VM}/${name}?api-version=${apiVersion}`;

export async function vm(s: TestServer, rg: string, name: string, body: Record<string, unknown> = { location: 'westus' }, apiVersion = VM_API): Promise<any> {
  const res = await s.arm('PUT', vmPath(rg, name, apiVersion), body);
  assert.ok(res.status === 200 || res.status === 201, res.text);
  return res.body;
}
