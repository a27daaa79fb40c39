import assert from 'node:assert/strict';
import test from 'node:test';
import { launchBrowser, skipWithoutChromium, step, type BrowserSession } from '../support/browser.js';
import { startTestServer } from '../support/server.js';
import { assignRole, createUser, ensurePortalBuilt } from './support.js';

/**
 * The app shell in chromium: a deep link survives sign-in, the theme follows the system and the toggle, a narrow
 * window folds the navigation behind a Menu button, every control has an accessible name, the keyboard reaches
 * everything with a visible focus.
 */
const USER = 'grace@amity.example';
const PASSWORD = 'Cobol-1959-Navy-Yard';

test('portal: the shell (theme, narrow window, keyboard, labels)', { skip: skipWithoutChromium() }, async (t) => {
  ensurePortalBuilt();
  const s = await startTestServer();
  t.after(() => s.close());
  const userId = await createUser(s, USER, PASSWORD, 'Grace Hopper');
  await assignRole(s, userId, 'Reader', `/subscriptions/${s.subscriptionId}`);
  const browser: BrowserSession = await launchBrowser({ viewport: { width: 480, height: 900 }, colorScheme: 'dark' });
  t.after(() => browser.close());
  const { page } = browser;
  const background = () => page.evaluate(() => getComputedStyle(document.querySelector('.fui-FluentProvider')!).backgroundColor);
  const isDark = async () => {
    const [r, g, bl] = (await background()).match(/\d+/g)!.map(Number);
    return r + g + bl < 3 * 100;
  };

  await step(browser, 'deep link through sign-in', async () => {
    await page.goto(`${s.url}/portal/activitylog`);
    await page.waitForURL((u) => u.pathname === '/portal/signin' && u.searchParams.get('returnTo') === '/activitylog');
    await page.getByLabel('User name').fill(USER);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Activity log', level: 1 }).waitFor();
  });

  await step(browser, 'theme follows the system, the toggle overrides it', async () => {
    assert.equal(await isDark(), true, 'dark, as the system prefers');
    const toggle = page.getByRole('button', { name: 'Dark theme' });
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    await toggle.click();
    assert.equal(await isDark(), false);
    await page.reload();
    await page.getByRole('heading', { name: 'Activity log', level: 1 }).waitFor();
    assert.equal(await isDark(), false, 'the choice is remembered');
  });

  await step(browser, 'narrow window: the navigation folds behind Menu', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.isVisible(), false);
    const menu = page.getByRole('button', { name: 'Menu' });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    await nav.getByRole('link', { name: 'Managed Identities' }).click();
    await page.getByRole('heading', { name: 'Managed Identities', level: 1 }).waitFor();
    assert.equal(await nav.isVisible(), false, 'closed again after navigating');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 480px (overflow ${overflow}px)`);
  });

  await step(browser, 'every control has an accessible name', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const unnamed = await page.evaluate(() => {
      const controls = [...document.querySelectorAll('input, select, textarea, button, a[href], [role=checkbox]')] as HTMLElement[];
      return controls
        .filter((el) => el.offsetParent !== null)
        .filter((el) => {
          const labelledBy = el.getAttribute('aria-labelledby');
          const byLabel = (el as HTMLInputElement).labels?.length;
          return !(el.getAttribute('aria-label') || byLabel || (labelledBy && document.getElementById(labelledBy)) || el.textContent?.trim());
        })
        .map((el) => el.outerHTML.slice(0, 120));
    });
    assert.deepEqual(unnamed, []);
  });

  await step(browser, 'a Reader is refused by RBAC, and the pane says so', async () => {
    await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/reader-rg?api-version=2021-04-01`, { location: 'westus' });
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const pane = page.getByRole('dialog', { name: 'Create User Assigned Managed Identity' });
    await pane.getByLabel('Resource group').selectOption('reader-rg');
    await pane.getByLabel('Region').selectOption('westus');
    await pane.getByLabel(/^Name/).fill('not-allowed');
    await pane.getByRole('button', { name: 'Review + create' }).click();
    await pane.getByRole('button', { name: 'Create', exact: true }).click();
    const alert = pane.getByRole('alert').filter({ hasText: 'The identity could not be created' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /AuthorizationFailed/);
    await pane.getByRole('button', { name: 'Cancel' }).click();
    await pane.waitFor({ state: 'detached' });
  });

  await step(browser, 'keyboard: skip link first, then the controls, each with a visible focus', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Managed Identities', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    // What each control looks like unfocused, to compare with how it looks once the keyboard focuses it.
    // (A string: tsx would wrap a named function in a helper the page does not have.)
    await page.evaluate(`(() => {
      const look = (el) => [getComputedStyle(el), getComputedStyle(el, '::after'), getComputedStyle(el, '::before'), getComputedStyle(el.parentElement || el, '::after')]
        .map((c) => [c.outline, c.boxShadow, c.textDecoration, c.borderBottom, c.borderTop, c.backgroundColor, c.content].join('|')).join('#');
      window.__look = look;
      window.__before = new Map([...document.querySelectorAll('*')].map((el) => [el, look(el)]));
    })()`);
    const seen: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const visible = (window as any).__before.get(el) !== (window as any).__look(el);
        return { name: el.getAttribute('aria-label') || el.textContent?.trim() || el.tagName, visible };
      });
      seen.push(focus.name);
      assert.ok(focus.visible, `focus on ${focus.name} is visible`);
    }
    for (const expected of ['Dark theme', 'Managed Identities', 'Activity log', 'Create', 'Select all shown identities']) assert.ok(seen.some((n) => n.includes(expected)), `${expected} reachable by keyboard: ${seen.join(' | ')}`);
    // The toolbar is one tab stop; the arrow keys move within it (the ARIA toolbar pattern).
    await page.getByRole('button', { name: 'Create', exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Refresh');
  });
});
