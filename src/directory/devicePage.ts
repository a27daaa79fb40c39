import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../server/context.js';
import { deviceCodeStore, type DeviceCodeRow } from '../store/deviceCodes.js';
import { normalizeUserCode } from './oauth/deviceCode.js';
import { OAuthError } from './oauth/errors.js';
import { randomToken, tokenHash } from './oauth/hashing.js';
import { verifyUserPassword } from './users.js';

/**
 * The device-code sign-in page (`verification_uri`): plain server-rendered HTML, no script. The user enters the
 * code (GET ?otc=), then signs in with user name and password and approves or declines (POST). The sign-in form
 * carries a per-code anti-forgery token, also set as a SameSite=Strict cookie; only its hash is stored, on the
 * code's row, and it changes every time the form is shown.
 */
export const DEVICE_PAGE_PATH = '/devicelogin';
const COOKIE = 'amity_device_form';
const KNOWN_CLIENTS: Record<string, string> = {
  '04b07795-8ddb-461a-bbee-02f9e1bf7b46': 'Microsoft Azure CLI',
  '1950a258-227b-4e31-a9cf-717495945fc2': 'Microsoft Azure PowerShell',
  '04f0c124-f2bc-4f59-8241-bf6df9866bbd': 'Visual Studio',
};

export function registerDevicePage(app: FastifyInstance, server: ServerContext): void {
  app.get(DEVICE_PAGE_PATH, async (req, reply) => {
    const otc = (req.query as { otc?: string }).otc;
    if (otc === undefined) return page(reply, 200, enterCodeHtml());
    const row = await usableCode(server, otc);
    if (!row) return page(reply, 400, enterCodeHtml(invalidCodeMessage));
    return signInForm(server, reply, row);
  });

  app.post(DEVICE_PAGE_PATH, async (req, reply) => {
    const form = req.body instanceof URLSearchParams ? req.body : new URLSearchParams();
    const row = await usableCode(server, form.get('otc') ?? '');
    if (!row) return page(reply, 400, enterCodeHtml(invalidCodeMessage));
    const formToken = form.get('form_token') ?? '';
    if (!formToken || !row.form_token_hash || !safeEqual(tokenHash(formToken), row.form_token_hash) || cookieOf(req, COOKIE) !== formToken) {
      return page(reply, 403, enterCodeHtml('This sign-in form has expired or did not come from this page. Enter the code again.'));
    }
    const now = new Date().toISOString();
    if (form.get('decision') === 'decline') {
      await deviceCodeStore.transition(server.database.db, row.device_code_hash, 'pending', 'declined', now);
      return page(reply, 200, doneHtml('Sign-in declined', `You have declined to sign in to ${escapeHtml(clientName(row))} on your device. You may now close this window.`));
    }
    const username = (form.get('username') ?? '').trim();
    if (!username) return signInForm(server, reply, row, 'Enter your user name.', 400);
    let user;
    try {
      user = await verifyUserPassword(server.database.db, row.tenant_id, username, form.get('password') ?? '');
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      return signInForm(server, reply, row, `${e.description} (AADSTS${e.aadsts})`, 400, username);
    }
    if (!(await deviceCodeStore.transition(server.database.db, row.device_code_hash, 'pending', 'approved', now, user.object_id))) {
      return page(reply, 400, enterCodeHtml(invalidCodeMessage));
    }
    return page(
      reply,
      200,
      doneHtml('Signed in', `You have signed in as ${escapeHtml(user.user_principal_name ?? '')} to ${escapeHtml(clientName(row))} on your device. You may now close this window.`),
    );
  });
}

const invalidCodeMessage = 'That code is not valid: it may have expired or already been used. Check the code and try again.';

async function usableCode(server: ServerContext, typed: string): Promise<DeviceCodeRow | undefined> {
  const code = normalizeUserCode(typed);
  if (!/^[A-Z]{1,16}$/.test(code)) return undefined;
  const row = await deviceCodeStore.byUserCode(server.database.db, code);
  if (!row || row.status !== 'pending' || row.expires_at <= new Date().toISOString()) return undefined;
  return row;
}

async function signInForm(server: ServerContext, reply: FastifyReply, row: DeviceCodeRow, error?: string, status = 200, username = ''): Promise<FastifyReply> {
  const formToken = randomToken();
  await deviceCodeStore.setFormToken(server.database.db, row.device_code_hash, tokenHash(formToken));
  reply.header('set-cookie', `${COOKIE}=${formToken}; Path=${DEVICE_PAGE_PATH}; Max-Age=900; HttpOnly; Secure; SameSite=Strict`);
  const body = `
<h1>Sign in</h1>
<p><strong>${escapeHtml(clientName(row))}</strong> on another device is asking to sign you in to <code>${escapeHtml(row.resource)}</code>.
Only continue if you started this sign-in yourself.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${DEVICE_PAGE_PATH}" autocomplete="on">
  <input type="hidden" name="otc" value="${escapeHtml(row.user_code)}">
  <input type="hidden" name="form_token" value="${escapeHtml(formToken)}">
  <p>Code: <code>${escapeHtml(row.user_code)}</code></p>
  <label>User name<br><input name="username" type="email" autocomplete="username" value="${escapeHtml(username)}" autofocus></label>
  <label>Password<br><input name="password" type="password" autocomplete="current-password"></label>
  <p><button type="submit" name="decision" value="approve">Sign in and approve</button>
  <button type="submit" name="decision" value="decline" formnovalidate>Decline</button></p>
</form>`;
  return page(reply, status, layout('Sign in', body));
}

function enterCodeHtml(error?: string): string {
  return layout(
    'Enter code',
    `
<h1>Enter code</h1>
<p>Enter the code displayed on your app or device.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="get" action="${DEVICE_PAGE_PATH}">
  <label>Code<br><input name="otc" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="20" autofocus></label>
  <p><button type="submit">Next</button></p>
</form>`,
  );
}

function doneHtml(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${message}</p>`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - Amity</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
label{display:block;margin:.8rem 0}input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}
button{font-size:1rem;padding:.4rem 1rem;margin-right:.5rem}.error{color:#a80000;font-weight:600}code{font-size:1.05rem}</style>
</head><body>${body}
</body></html>`;
}

function page(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .send(html);
}

function clientName(row: DeviceCodeRow): string {
  return KNOWN_CLIENTS[row.client_id] ?? `the application ${row.client_id}`;
}

function cookieOf(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
