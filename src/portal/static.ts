import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { contentSecurityPolicy, newNonce } from './securityHeaders.js';

/** Where `npm run build` put the page (dist/portal): next to dist/src when running built, under dist/ from source. */
export function portalDistDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = path.resolve(here, '..', '..');
  return path.basename(up) === 'dist' ? path.join(up, 'portal') : path.join(up, 'dist', 'portal');
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};
const NONCE_PLACEHOLDER = '__AMITY_STYLE_NONCE__';

/**
 * `/` redirects to the portal; `/portal/assets/*` are Vite's content-hashed files (cached for a year, immutable);
 * any other `/portal/...` path is the single page, never cached (so a new build is picked up at once), with a
 * fresh style nonce and the CSP.
 */
export function registerStaticRoutes(app: FastifyInstance): void {
  const dir = portalDistDir();
  // Read again when a new build replaced it (one stat per page load), so a rebuild needs no restart.
  let cached: { mtimeMs: number; html: string } | undefined;
  const index = (): string | undefined => {
    const file = path.join(dir, 'index.html');
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
    if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, html: fs.readFileSync(file, 'utf8') };
    return cached.html;
  };

  app.get('/', async (_req, reply) => reply.redirect('/portal/', 302));
  app.get('/portal', async (_req, reply) => reply.redirect('/portal/', 301));

  app.get('/portal/assets/*', async (req, reply) => {
    const file = safeFile(path.join(dir, 'assets'), (req.params as { '*': string })['*']);
    if (!file) return notFound(reply);
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.type(TYPES[path.extname(file)] ?? 'application/octet-stream').send(fs.createReadStream(file));
  });

  app.get('/portal/*', async (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    // Top-level files Vite copies as they are (not hashed): served, but revalidated every time.
    const file = rest && !rest.includes('/') && rest !== 'index.html' ? safeFile(dir, rest) : undefined;
    if (file) {
      reply.header('cache-control', 'no-cache');
      return reply.type(TYPES[path.extname(file)] ?? 'application/octet-stream').send(fs.createReadStream(file));
    }
    if (rest.startsWith('api/')) return notFound(reply);
    const html = index();
    if (!html) {
      return reply.code(503).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send('The portal has not been built: run `npm run build`.');
    }
    const nonce = newNonce();
    reply.header('content-security-policy', contentSecurityPolicy(nonce));
    reply.header('cache-control', 'no-cache');
    return reply.type('text/html; charset=utf-8').send(html.replace(NONCE_PLACEHOLDER, nonce));
  });
}

/** A regular file strictly inside `dir`, or undefined (no traversal, no directories, no dot-files). */
function safeFile(dir: string, rel: string): string | undefined {
  if (!rel || rel.split('/').some((s) => s === '' || s.startsWith('.'))) return undefined;
  const full = path.resolve(dir, rel);
  if (!full.startsWith(dir + path.sep)) return undefined;
  try {
    return fs.statSync(full).isFile() ? full : undefined;
  } catch {
    return undefined;
  }
}

function notFound(reply: FastifyReply) {
  return reply.code(404).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send('Not found');
}
