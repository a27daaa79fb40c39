import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's chromium (apt package `chromium`, which .ci/run installs) driven by playwright-core; never a downloaded
 * browser. The flags keep it quiet on a closed network (no background traffic, no QUIC, no updates, no sync).
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const ARTIFACTS_DIR = path.resolve('test-artifacts');

/**
 * For node:test's `skip` option: a reason to skip when chromium is missing (outside CI), else false. Under
 * CI=true a missing browser is not skipped: launching then fails and names the package.
 */
export function skipWithoutChromium(): string | false {
  if (fs.existsSync(CHROMIUM_PATH) || process.env.CI === 'true') return false;
  return `${CHROMIUM_PATH} not found: install the Debian package \`chromium\` (apt-get install chromium) to run the browser tests`;
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP violations the page reported, for assertions. */
  consoleErrors: string[];
  /** Saves a full-page screenshot under test-artifacts/ and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** A fresh chromium with its own throw-away profile (--user-data-dir), trusting nothing but ignoring the test server's self-signed chain. */
export async function launchBrowser(options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {}): Promise<BrowserSession> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} not found: install the Debian package \`chromium\` (apt-get install chromium)`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: FLAGS,
      ignoreHTTPSErrors: true,
      viewport: options.viewport ?? { width: 1280, height: 900 },
      colorScheme: options.colorScheme ?? 'light',
      timeout: 60_000,
    });
  } catch (e) {
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  return {
    context,
    page,
    consoleErrors,
    async screenshot(name) {
      fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
      const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}-${Date.now()}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Runs a test step; on failure saves a screenshot (named after the step) before rethrowing, and says where it is. */
export async function step<T>(browser: BrowserSession, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const file = await browser.screenshot(name).catch((err: unknown) => `(screenshot failed: ${String(err)})`);
    if (e instanceof Error) e.message = `${e.message}\n  [step "${name}": screenshot ${file}]`;
    throw e;
  }
}
