import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../support/server.js';

test('--public-url drives the issuer, discovery documents, armEndpoint and nextLinks', async () => {
  const publicUrl = 'https://amity.example.test:9443';
  const s = await startTestServer({ extra: { publicUrl } });
  try {
    assert.equal(s.running.armEndpoint, `${publicUrl}/`);
    const discovery = await s.raw('GET', `/${s.tenantId}/v2.0/.well-known/openid-configuration`);
    assert.equal(discovery.body.token_endpoint, `${publicUrl}/${s.tenantId}/oauth2/v2.0/token`);
    const adfs = await s.raw('GET', '/adfs/.well-known/openid-configuration');
    assert.equal(adfs.body.token_endpoint, `${publicUrl}/adfs/oauth2/token`);
    const metadata = await s.raw('GET', '/metadata/endpoints?api-version=2015-01-01');
    assert.equal(metadata.body.authentication.loginEndpoint, `${publicUrl}/adfs`);

    const token = await s.token();
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    assert.equal(claims.iss, `${publicUrl}/${s.tenantId}/`);
    // A token for the public ARM endpoint is accepted by this node.
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret, scope: `${publicUrl}//.default` });
    const own = await s.raw('POST', '/adfs/oauth2/token', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    assert.equal(own.status, 200);
    const subs = await s.raw('GET', '/subscriptions?api-version=2022-12-01', { headers: { authorization: `Bearer ${own.body.access_token}` } });
    assert.equal(subs.status, 200, subs.text);

    const base = `/subscriptions/${s.subscriptionId}/resourcegroups`;
    await Promise.all(Array.from({ length: 101 }, (_, i) => s.arm('PUT', `${base}/g${i}?api-version=2021-04-01`, { location: 'westus' })));
    const page = await s.arm('GET', `${base}?api-version=2021-04-01`);
    assert.equal(page.body.value.length, 100);
    assert.ok(page.body.nextLink.startsWith(`${publicUrl}${base}?`), page.body.nextLink);
  } finally {
    await s.close();
  }
});
