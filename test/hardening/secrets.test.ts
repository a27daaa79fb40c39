import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer } from '../support/server.js';
import type { HttpResponse } from '../support/http.js';
import { postForm } from '../directory/support.js';
import { createHost, createUami, ensureGroup, msiToken } from '../tokens/support.js';
import { addCredential, exchange } from '../federation/support.js';

/**
 * Every secret the server is handed or hands out: client secrets, user passwords, host credentials, access and refresh
 * tokens (user, app, workload, federated), the signing key. With the log at its most verbose, after the run none of
 * them is in any log line, nor in the database files' bytes in plain text.
 */
test('no secret, password, token or private key in the database files or in any log line', async () => {
  const lines: string[] = [];
  const s = await startTestServer({ extra: { logLevel: 'trace', logStream: { write: (line: string) => void lines.push(line) } } });
  const secrets = new Map<string, string>();
  const keep = (name: string, value: unknown) => {
    assert.equal(typeof value, 'string', name);
    secrets.set(name, value as string);
  };
  try {
    keep('bootstrap client secret', s.clientSecret);
    const graphToken = (await postForm(s, `/${s.tenantId}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret, scope: `${s.url}/msgraph/.default` })).body.access_token;
    keep('app access token (Graph)', graphToken);
    keep('app access token (ARM)', await s.token());
    const graph = (method: string, p: string, body?: unknown): Promise<HttpResponse> =>
      s.raw(method, `/msgraph/v1.0${p}`, { headers: { authorization: `Bearer ${graphToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

    // A user with a password, signed in with the password grant (access and refresh tokens), the password changed.
    const password = 'Secret-Password-Quokka-1843';
    const user = await graph('POST', '/users', { accountEnabled: true, displayName: 'Leak Check', mailNickname: 'leak', userPrincipalName: 'leak@amity.example', passwordProfile: { password, forceChangePasswordNextSignIn: false } });
    assert.equal(user.status, 201, user.text);
    keep('user password', password);
    const signIn = await postForm(s, `/${s.tenantId}/oauth2/v2.0/token`, { grant_type: 'password', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', username: 'leak@amity.example', password, scope: 'https://management.azure.com/.default offline_access' });
    assert.equal(signIn.status, 200, signIn.text);
    keep('user access token', signIn.body.access_token);
    keep('user refresh token', signIn.body.refresh_token);
    const refreshed = await postForm(s, `/${s.tenantId}/oauth2/v2.0/token`, { grant_type: 'refresh_token', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', refresh_token: signIn.body.refresh_token, scope: 'https://management.azure.com/.default' });
    assert.equal(refreshed.status, 200, refreshed.text);
    keep('rotated refresh token', refreshed.body.refresh_token);
    const newPassword = 'Changed-Password-Wombat-1852';
    assert.equal((await graph('PATCH', `/users/${user.body.id}`, { passwordProfile: { password: newPassword } })).status, 204);
    keep('changed user password', newPassword);
    // A wrong password is logged as a failure, never as the value tried.
    const wrong = 'Wrong-Password-Numbat-0000';
    assert.equal((await postForm(s, `/${s.tenantId}/oauth2/v2.0/token`, { grant_type: 'password', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', username: 'leak@amity.example', password: wrong, scope: 'https://management.azure.com/.default' })).status, 400);
    keep('wrong password tried', wrong);

    // An application with a client secret, and its token.
    const app = await graph('POST', '/applications', { displayName: 'leak-app' });
    assert.equal(app.status, 201, app.text);
    assert.equal((await graph('POST', '/servicePrincipals', { appId: app.body.appId })).status, 201);
    const added = await graph('POST', `/applications/${app.body.id}/addPassword`, { passwordCredential: { displayName: 'leak' } });
    assert.equal(added.status, 200, added.text);
    keep('application client secret', added.body.secretText);
    const appToken = await postForm(s, `/${s.tenantId}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: app.body.appId, client_secret: added.body.secretText, scope: 'https://management.azure.com/.default' });
    assert.equal(appToken.status, 200, appToken.text);
    keep('application access token', appToken.body.access_token);

    // A host with its credential (identity header), a workload token, and a federated exchange with it.
    await ensureGroup(s);
    const source = await createUami(s, 'leak-source');
    const target = await createUami(s, 'leak-target');
    const host = await createHost(s, 'leak-vm', { system: true, user: [source] });
    keep('host credential (identity header)', host.header);
    const workload = await msiToken(s, host.header, { resource: 'api://AzureADTokenExchange', client_id: source.clientId });
    assert.equal(workload.status, 200, workload.text);
    keep('workload access token', workload.body.access_token);
    const ctx = s.running.context;
    await addCredential(s, target.id, 'from-source', { issuer: ctx.issuer.workloadIssuerFor(s.tenantId), subject: source.principalId });
    const federated = await exchange(s, target.clientId, workload.body.access_token);
    assert.equal(federated.status, 200, federated.text);
    keep('federated access token', federated.body.access_token);
    // A request with a token in the query string by mistake.
    await s.raw('GET', `/msi/token?api-version=2019-08-01&resource=x&client_secret=${encodeURIComponent(s.clientSecret)}`);

    const pem = ctx.keys.active()!.privateKey!.export({ type: 'pkcs8', format: 'pem' }) as string;
    keep('signing key PEM body', pem.split('\n').slice(1, 3).join(''));
  } finally {
    await s.running.close();
  }

  try {
    const files = fs.readdirSync(s.dataDir).filter((f) => f.startsWith('amity.db')).map((f) => path.join(s.dataDir, f));
    assert.ok(files.length >= 1);
    const stored = Buffer.concat(files.map((f) => fs.readFileSync(f)));
    assert.ok(lines.length > 30, `the log was captured (${lines.length} lines)`);
    const logged = lines.join('');
    for (const [name, value] of secrets) {
      // Tokens are checked by their signature (the part only the issuer could make) and their whole text.
      const needles = value.split('.').length === 3 ? [value, value.split('.')[2]!] : [value];
      for (const needle of needles) {
        assert.equal(stored.indexOf(needle), -1, `${name} is in the database files`);
        assert.ok(!logged.includes(needle), `${name} is in a log line`);
      }
    }
    assert.ok(!logged.includes('PRIVATE KEY') && !/"authorization"|x-identity-header/i.test(logged), 'no key or credential header in the log');
  } finally {
    fs.rmSync(s.dataDir, { recursive: true, force: true });
  }
});
