import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deviceCodeSignIn } from '../../src/cli/runtime/deviceCode.js';

// The device-code poll loop against a scripted token endpoint: the interval the server sets, slow_down adding
// five seconds, authorization_pending, expired_token and a refusal (RFC 8628 §3.5).

async function scripted(answers: { status: number; body: Record<string, unknown> }[]) {
  const polls: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url!.endsWith('/devicecode')) {
        res.end(JSON.stringify({ device_code: 'dc-1', user_code: 'ABCDEFGH', verification_uri: 'https://x/devicelogin', expires_in: 900, interval: 2, message: 'To sign in, use a web browser to open the page https://x/devicelogin and enter the code ABCDEFGH to authenticate.' }));
        return;
      }
      polls.push(body);
      const a = answers.shift() ?? { status: 500, body: {} };
      res.statusCode = a.status;
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, polls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('polls at the server\'s interval, slows down on slow_down, and returns the tokens', async () => {
  const s = await scripted([
    { status: 400, body: { error: 'authorization_pending' } },
    { status: 400, body: { error: 'slow_down' } },
    { status: 400, body: { error: 'authorization_pending' } },
    { status: 200, body: { access_token: 'at', refresh_token: 'rt' } },
  ]);
  try {
    const waits: number[] = [];
    let shown = '';
    const tokens = await deviceCodeSignIn(s.url, 'tenant', undefined, { clientId: 'cli', scope: 's' }, (start) => (shown = start.message), async (ms) => void waits.push(ms));
    assert.deepEqual(tokens, { access_token: 'at', refresh_token: 'rt' });
    assert.match(shown, /enter the code ABCDEFGH to authenticate\.$/);
    assert.deepEqual(waits, [2000, 2000, 7000, 7000]);
    assert.equal(s.polls.length, 4);
    assert.match(s.polls[0], /grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code/);
    assert.match(s.polls[0], /device_code=dc-1/);
  } finally {
    await s.close();
  }
});

test('an expired code and a declined sign-in end with an error', async () => {
  const s = await scripted([
    { status: 400, body: { error: 'expired_token' } },
    { status: 400, body: { error: 'authorization_declined', error_description: 'AADSTS70000: The user declined.\r\nTrace ID: x' } },
  ]);
  try {
    const noWait = async () => undefined;
    await assert.rejects(deviceCodeSignIn(s.url, 't', undefined, { clientId: 'c', scope: 's' }, () => undefined, noWait), /The device code expired before sign-in was completed/);
    await assert.rejects(deviceCodeSignIn(s.url, 't', undefined, { clientId: 'c', scope: 's' }, () => undefined, noWait), /AADSTS70000: The user declined\.$/);
  } finally {
    await s.close();
  }
});
