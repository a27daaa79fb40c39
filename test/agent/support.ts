/** A server with a VM carrying a system-assigned and two user-assigned identities, its host credential, and an agent. */
import fs from 'node:fs';
import { startAgent, type RunningAgent } from '../../src/agent/server.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/server.js';

export const VM_API = '2022-08-01';
export const MSI_API = '2023-01-31';

export interface Identity {
  id: string;
  clientId: string;
  principalId: string;
}

export interface AgentHost {
  s: TestServer;
  agent: RunningAgent;
  vmId: string;
  system: { principalId: string; tenantId: string };
  a: Identity;
  b: Identity;
  identityEndpoint: string;
  identityHeader: string;
  close(): Promise<void>;
}

async function ok(r: Promise<{ status: number; text: string; body: any }>, what: string): Promise<any> {
  const res = await r;
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res.body;
}

export async function startAgentHost(options: TestServerOptions = {}): Promise<AgentHost> {
  const s = await startTestServer(options);
  try {
    const rg = `/subscriptions/${s.subscriptionId}/resourceGroups/rg-agent`;
    await ok(s.arm('PUT', `${rg}?api-version=2021-04-01`, { location: 'westus' }), 'resource group');
    const identity = async (name: string): Promise<Identity> => {
      const b = await ok(s.arm('PUT', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=${MSI_API}`, { location: 'westus' }), name);
      return { id: b.id, clientId: b.properties.clientId, principalId: b.properties.principalId };
    };
    const a = await identity('id-a');
    const b = await identity('id-b');
    const vmPath = `${rg}/providers/Microsoft.Compute/virtualMachines/vm-agent`;
    const vm = await ok(
      s.arm('PUT', `${vmPath}?api-version=${VM_API}`, {
        location: 'westus',
        identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [a.id]: {}, [b.id]: {} } },
        properties: {},
      }),
      'vm',
    );
    const cred = await ok(s.arm('POST', `${vmPath}/regenerateIdentityCredential?api-version=${VM_API}`), 'regenerateIdentityCredential');
    const agent = await startAgent({ identityEndpoint: cred.identityEndpoint, identityHeader: cred.identityHeader, port: 0, ca: fs.readFileSync(s.caCertPath) });
    return {
      s,
      agent,
      vmId: vm.id,
      system: { principalId: vm.identity.principalId, tenantId: vm.identity.tenantId },
      a,
      b,
      identityEndpoint: cred.identityEndpoint,
      identityHeader: cred.identityHeader,
      async close() {
        await agent.close();
        await s.close();
      },
    };
  } catch (e) {
    await s.close();
    throw e;
  }
}
