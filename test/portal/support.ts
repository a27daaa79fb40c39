import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { portalDistDir } from '../../src/portal/static.js';
import type { TestServer } from '../support/server.js';
import type { HttpResponse } from '../support/http.js';
import type { Page } from 'playwright-core';

/**
 * The browser tests need the built page (dist/portal). `npm install`/`npm run build` make it; when portal/ has
 * changed since, build again (vite, a few seconds) so a test never runs an old page.
 */
export function ensurePortalBuilt(): void {
  const index = path.join(portalDistDir(), 'index.html');
  const builtAt = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  if (builtAt > newestSource(path.resolve('portal'))) return;
  // Built aside, then merged in: hashed assets are added next to the old ones and index.html is swapped last
  // (a rename), so another test run serving dist/portal at the same moment never sees it half-written.
  const dist = portalDistDir();
  const tmp = `${dist}.build-${process.pid}`;
  const vite = path.resolve('node_modules/vite/bin/vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'portal/vite.config.ts', '--outDir', tmp, '--emptyOutDir'], { stdio: 'inherit' });
  try {
    if (r.status !== 0) throw new Error('building the portal failed');
    fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
    for (const f of fs.readdirSync(path.join(tmp, 'assets'))) fs.copyFileSync(path.join(tmp, 'assets', f), path.join(dist, 'assets', f));
    fs.renameSync(path.join(tmp, 'index.html'), path.join(dist, 'index.html'));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (!e.name.endsWith('.md')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** A directory user with a password, made through Graph with the admin's token (as an administrator would). */
export async function createUser(s: TestServer, userPrincipalName: string, password: string, displayName = userPrincipalName.split('@')[0]): Promise<string> {
  const token = await graphToken(s);
  const res = await s.raw('POST', '/msgraph/v1.0/users', {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ accountEnabled: true, displayName, mailNickname: displayName, userPrincipalName, passwordProfile: { password, forceChangePasswordNextSignIn: false } }),
  });
  if (res.status !== 201) throw new Error(`creating ${userPrincipalName} failed: ${res.status} ${res.text}`);
  return res.body.id as string;
}

async function graphToken(s: TestServer): Promise<string> {
  const res = await s.raw('POST', `/${s.tenantId}/oauth2/v2.0/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret, scope: `${s.url}/msgraph/.default` }).toString(),
  });
  if (res.status !== 200) throw new Error(`Graph token failed: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

export const ROLE_DEFINITION_IDS = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
} as const;

/** A role assignment for a user (as the admin) at a scope (`/subscriptions/<id>`…). */
export async function assignRole(s: TestServer, principalId: string, role: keyof typeof ROLE_DEFINITION_IDS, scope: string): Promise<HttpResponse> {
  const res = await s.arm('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`, {
    properties: { roleDefinitionId: `/subscriptions/${s.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_DEFINITION_IDS[role]}`, principalId, principalType: 'User' },
  });
  if (res.status !== 201) throw new Error(`assigning ${role} failed: ${res.status} ${res.text}`);
  return res;
}

/** Opens the server's root (redirected to the portal), signs in through the page and waits for the shell. */
export async function signInThroughPage(page: Page, s: TestServer, userName: string, password: string): Promise<void> {
  await page.goto(`${s.url}/`);
  await page.getByLabel('User name').fill(userName);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // (Not the navigation: a narrow window folds it away.)
  await page.getByTestId('account-button').waitFor();
}

/** Signs out through the account menu and waits for the sign-in page. */
export async function signOutThroughPage(page: Page): Promise<void> {
  await page.getByTestId('account-button').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Amity' }).waitFor();
}
