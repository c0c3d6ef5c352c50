// Shared helpers for the e2e tests: Debian's Chromium through playwright-core (no browser
// download), a static server for dist/ when no real server is given, axe scans and
// screenshots under e2e/artifacts/.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, existsSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..', '..');
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
export const VIEWPORTS = { phone: { width: 360, height: 740 }, desktop: { width: 1280, height: 800 } };

/** Debian's Chromium with a fresh profile (toolchain.md pitfall 5). */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'sportello-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: VIEWPORTS.desktop,
    locale: 'it-IT',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.txt': 'text/plain',
};

/**
 * Serves dist/ with the SPA fallback, like `sportello serve`; `/api/…` answers 503
 * problem+json, so pages must show an error alert rather than a blank screen.
 * Returns { url, close }. With SPORTELLO_URL set, uses that server instead.
 */
export async function serve() {
  if (process.env.SPORTELLO_URL) return { url: process.env.SPORTELLO_URL.replace(/\/$/, ''), close: async () => {} };
  const dist = join(ROOT, 'dist');
  if (!existsSync(join(dist, 'index.html'))) throw new Error('dist/ is missing: run scripts/build-web.sh');
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path.startsWith('/api/')) {
      res.writeHead(503, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Servizio non disponibile', status: 503, errors: [] }));
      return;
    }
    let file = normalize(join(dist, path));
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = join(dist, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Serious and critical axe violations on the current page (WCAG 2.1 AA rules). */
export async function axeViolations(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Screenshots of the current page at phone and desktop width. */
export async function screenshots(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** Opens a path and waits until the app has rendered its page title. */
export async function open(page, base, path) {
  await page.goto(base + path);
  await page.locator('#page-title').waitFor({ state: 'visible', timeout: 15000 });
}
