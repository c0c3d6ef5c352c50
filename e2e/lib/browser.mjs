// Shared helpers for the e2e tests: Debian's Chromium through playwright-core (never a
// downloaded browser), one isolated context per person, axe on every page a test visits,
// screenshots at phone and desktop width under e2e/artifacts/.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..', '..');
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
export const VIEWPORTS = { phone: { width: 360, height: 740 }, desktop: { width: 1280, height: 800 } };

/**
 * Debian's Chromium, headless. Playwright gives the browser a fresh temporary profile
 * (--user-data-dir) and each `person()` context its own cookies and storage, so a citizen
 * and an operator can be signed in at the same time. `fakeMedia`: Chromium's fake camera
 * and microphone, allowed without asking (the video desk's tests).
 */
export async function launch({ fakeMedia = false } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      // The video desk: a fake camera and microphone, granted without a prompt.
      ...(fakeMedia ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] : []),
    ],
  });
  return browser;
}

/**
 * A person at their own browser: a new context and page, with every page error, console
 * error and failed API call recorded (`problems`), and every path the page shows recorded
 * so the test can prove each one went through axe (`assertAllAudited`).
 */
export async function person(browser, label) {
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop, locale: 'it-IT', acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  const allowed = [];
  const visited = new Set();
  const audited = new Set();
  page.on('pageerror', (e) => problems.push(`${label}: page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${label}: console error: ${m.text()}`);
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.add(pathOf(frame.url()));
  });
  return {
    label,
    context,
    page,
    problems,
    visited,
    audited,
    /** axe on the page as it is now; fails on any serious or critical violation. */
    async audit(name) {
      const found = await axeViolations(page);
      audited.add(pathOf(page.url()));
      record(name, page.url(), found);
      assert.deepEqual(found, [], `axe on ${name} (${page.url()})`);
    },
    /**
     * Declares console errors a test provokes on purpose (say, the 403 of a refused
     * login): up to `count` lines matching `pattern` are not reported as problems.
     */
    allow(pattern, count = 1) {
      allowed.push({ pattern, count });
    },
    /** The console errors nobody expected. */
    unexpected() {
      const budget = allowed.map((a) => ({ ...a }));
      return problems.filter((p) => {
        const slot = budget.find((a) => a.count > 0 && a.pattern.test(p));
        if (slot) slot.count -= 1;
        return !slot;
      });
    },
    /** A page only passed through (a redirect's source), never shown: axe need not see it. */
    skipAudit(path) {
      audited.add(path);
    },
    assertAllAudited() {
      const missing = [...visited].filter((p) => !audited.has(p) && p !== 'about:blank');
      assert.deepEqual(missing, [], `${label} visited pages that axe never checked`);
    },
  };
}

/** A path with its ids replaced, so one page reached with different data counts once. */
function pathOf(url) {
  if (!url.startsWith('http')) return url;
  return new URL(url).pathname.replace(/\/[0-9a-f]{8}-[0-9a-f-]{27,}/g, '/:id');
}

const AXE_LOG = [];
function record(name, url, violations) {
  AXE_LOG.push({ name, path: pathOf(url), violations });
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, `axe-${process.pid}.json`), JSON.stringify(AXE_LOG, null, 2));
}

/** Serious and critical axe violations on the current page (WCAG 2.1 A/AA rules). */
export async function axeViolations(page) {
  // A button that just changed variant (outline → filled) is mid-way through Bootstrap's
  // colour transition: axe would measure the blend. Let finite transitions finish first.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => {})),
    ),
  );
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Screenshots of the current page at phone and desktop width. At 360 px the page must not
 * scroll sideways (wide tables scroll inside their own box), and axe runs again there: the
 * phone layout (collapsed menu, stacked forms) is a different page to a screen reader.
 */
export async function screenshots(who, name) {
  const { page } = who;
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
    if (label === 'phone') {
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= size.width, `${name} is ${width} px wide at ${size.width} px`);
      await who.audit(`${name} (360 px)`);
    }
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** Opens a path and waits until the app has rendered its page title. */
export async function open(who, base, path) {
  await who.page.goto(base + path);
  await who.page.locator('#page-title').waitFor({ state: 'visible', timeout: 15000 });
}

/** Waits until the page title (the `<h1>`) reads `text`. */
export async function titled(who, text) {
  await who.page.locator('#page-title', { hasText: text }).waitFor({ timeout: 15000 });
}
