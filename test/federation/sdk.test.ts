import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { runScenario, scenarioEnv } from '../support/sdkChild.js';
import { addCredential, newIdentity, startFederation } from './support.js';

const scenario = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sdkFederationScenario.ts');

test('unmodified @azure/identity (WorkloadIdentityCredential, ManagedIdentityCredential with AZURE_FEDERATED_TOKEN_FILE) exchanges the external token and uses it on ARM', async () => {
  const f = await startFederation();
  try {
    const mi = await newIdentity(f.s, 'sdkfed');
    await addCredential(f.s, mi.id, 'sdk', { issuer: f.issuer.issuer, subject: f.issuer.clientId });
    const assignment = await f.s.arm('PUT', `/subscriptions/${f.s.subscriptionId}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`, {
      properties: { roleDefinitionId: `/subscriptions/${f.s.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`, principalId: mi.principalId, principalType: 'ServicePrincipal' },
    });
    assert.equal(assignment.status, 201, assignment.text);
    const tokenFile = path.join(f.s.dataDir, 'federated-token');
    fs.writeFileSync(tokenFile, `${await f.issuer.token()}\n`);
    const r = await runScenario(
      scenario,
      scenarioEnv(f.s, {
        AZURE_FEDERATED_TOKEN_FILE: tokenFile,
        AZURE_CLIENT_ID: mi.clientId,
        AZURE_TENANT_ID: f.s.tenantId,
        AZURE_AUTHORITY_HOST: f.s.url,
        FED_GROUP: 'fed-sdkfed',
      }),
    );
    for (const which of ['workload', 'managed']) {
      assert.equal(r[which].claims.oid, mi.principalId, which);
      assert.equal(r[which].claims.appid, mi.clientId, which);
      assert.equal(r[which].claims.xms_mirid, mi.id, which);
      assert.equal(r[which].group, 'fed-sdkfed', which);
    }
  } finally {
    await f.close();
  }
});
