import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateExpression, parseExpression } from '../../src/directory/federation/claimsMatching.js';
import { ExternalIssuers } from '../../src/directory/federation/externalIssuer.js';
import { Outbound } from '../../src/directory/federation/outbound.js';
import { checkTimes } from '../../src/directory/federation/verifyAssertion.js';

test('claims-matching language v1: eq, matches with * and ?, and; quotes; errors', () => {
  const claims = { sub: 'repo:contoso/app:ref:refs/heads/main', job: "it's", n: 1 };
  assert.equal(evaluateExpression("claims['sub'] matches 'repo:contoso/*:ref:refs/heads/*'", claims), true);
  assert.equal(evaluateExpression("claims['sub'] matches 'repo:contoso/ap?:ref:refs/heads/main'", claims), true);
  assert.equal(evaluateExpression("claims['sub'] matches 'repo:other/*'", claims), false);
  assert.equal(evaluateExpression("claims['sub'] eq 'repo:contoso/app:ref:refs/heads/main' and claims['job'] eq 'it''s'", claims), true);
  assert.equal(evaluateExpression("claims['sub'] eq 'REPO:contoso/app:ref:refs/heads/main'", claims), false, 'case-sensitive');
  assert.equal(evaluateExpression("claims['n'] eq '1'", claims), false, 'non-string claims never match');
  assert.equal(evaluateExpression("claims['sub'] matches 'repo.contoso*'", claims), false, 'regex characters are literal');
  assert.throws(() => parseExpression("claims['sub'] like 'x'"), /unknown operator/);
  assert.throws(() => parseExpression("claims['sub'] eq 'x' or claims['a'] eq 'b'"), /expected 'and'/);
  assert.throws(() => parseExpression("claims['sub'] eq 'x"), /unterminated/);
});

test('time window: exp required, 5 minutes of skew, AADSTS700024', () => {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  checkTimes({ exp: s - 200, iat: s - 900 }, now);
  assert.throws(() => checkTimes({ iat: s }, now), /AADSTS700024/);
  assert.throws(() => checkTimes({ exp: s - 400 }, now), /AADSTS700024/);
  assert.throws(() => checkTimes({ exp: s + 900, nbf: s + 600 }, now), /AADSTS700024/);
});

test('an unknown kid refreshes the key set at most once per interval; issuers outside the allow-list are never fetched', async () => {
  const outbound = new Outbound({ allowedIssuers: ['https://issuer.example'] });
  let fetches = 0;
  outbound.getJson = async (url: string) => {
    fetches++;
    return url.endsWith('/.well-known/openid-configuration') ? { issuer: 'https://issuer.example', jwks_uri: 'https://issuer.example/keys' } : { keys: [{ kty: 'RSA', kid: 'a', n: 'x', e: 'AQAB' }] };
  };
  const issuers = new ExternalIssuers(outbound, { refreshIntervalSeconds: 60 });
  assert.equal((await issuers.key('https://issuer.example', 'a')).kid, 'a');
  assert.equal(fetches, 2);
  await assert.rejects(issuers.key('https://issuer.example', 'b'), /AADSTS700027/);
  await assert.rejects(issuers.key('https://issuer.example', 'c'), /AADSTS700027/);
  assert.equal(fetches, 2, 'refreshed at most once a minute');
  await assert.rejects(issuers.key('https://evil.example', 'a'), /AADSTS50166.*allow-list/);
  assert.equal(fetches, 2);
});
