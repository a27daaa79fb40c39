import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { Az, requireAz, useCloud } from '../support/azureCli.js';
import { addCredential, newIdentity, startFederation } from './support.js';

test('az login --service-principal --federated-token signs in as the identity, then az identity show works', { timeout: 240_000 }, async (t) => {
  if (!requireAz(t)) return;
  const f = await startFederation();
  const az = new Az(f.s.caBundlePath, 'amity-az-fed-');
  try {
    const mi = await newIdentity(f.s, 'azfed');
    await addCredential(f.s, mi.id, 'az-cred', { issuer: f.issuer.issuer, subject: f.issuer.clientId });
    const assignment = await f.s.arm('PUT', `/subscriptions/${f.s.subscriptionId}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`, {
      properties: { roleDefinitionId: `/subscriptions/${f.s.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`, principalId: mi.principalId, principalType: 'ServicePrincipal' },
    });
    assert.equal(assignment.status, 201, assignment.text);
    await useCloud(az, f.s);
    const login = await az.ok('login', '--service-principal', '-u', mi.clientId, '--federated-token', await f.issuer.token(), '--tenant', f.s.tenantId);
    assert.equal(login[0].user.name, mi.clientId);
    const shown = await az.ok('identity', 'show', '-g', 'fed-azfed', '-n', 'azfed');
    assert.equal(shown.principalId, mi.principalId);
    assert.equal(shown.clientId, mi.clientId);
  } finally {
    az.dispose();
    await f.close();
  }
});
