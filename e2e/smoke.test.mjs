// Smoke test: the built SPA starts in Chromium, renders the AgID layout in Italian, switches
// to English, survives a missing API (error alert, never a blank page) and passes axe.
// Runs against dist/ on a throwaway static server, or SPORTELLO_URL when set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, serve, open, axeViolations, screenshots } from './lib/browser.mjs';

let browser, server, page;
const errors = [];

before(async () => {
  server = await serve();
  browser = await launch();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('home renders the municipal layout in Italian', async () => {
  const started = Date.now();
  await open(page, server.url, '/');
  console.log(`first rendered page after ${Date.now() - started} ms`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'it');
  assert.equal(await page.locator('#page-title').textContent(), 'Servizi TARI online');
  assert.ok(await page.locator('header.it-header-wrapper').isVisible());
  assert.ok(await page.locator('main#main-content').count());
  assert.ok(await page.getByRole('link', { name: 'Dichiarazione di accessibilità' }).isVisible());
  assert.ok(await page.getByRole('link', { name: 'Privacy' }).isVisible());
  await screenshots(page, 'home');
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
});

test('a missing API shows an error alert, not a blank page', async () => {
  if (process.env.SPORTELLO_URL) return;
  await open(page, server.url, '/faq');
  await page.getByRole('alert').first().waitFor({ timeout: 10000 });
  assert.equal(await page.locator('#page-title').textContent(), 'Domande frequenti');
});

test('client-side navigation moves focus to the new page title', async () => {
  await open(page, server.url, '/');
  await page.getByRole('link', { name: 'Documenti' }).first().click();
  await page.waitForFunction(() => document.activeElement?.id === 'page-title');
  assert.equal(await page.locator('#page-title').textContent(), 'Documenti');
});

test('language switch to English is remembered', async () => {
  await open(page, server.url, '/');
  await page.getByRole('button', { name: /Lingua: English/ }).click();
  await page.locator('#page-title', { hasText: 'Online waste-tax (TARI) services' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.reload();
  await page.locator('#page-title', { hasText: 'Online waste-tax (TARI) services' }).waitFor();
  await page.getByRole('button', { name: /Language: Italiano/ }).click();
});

test('login and registration pages are accessible', async () => {
  for (const [path, name] of [['/accedi', 'login'], ['/registrazione', 'register']]) {
    await open(page, server.url, path);
    await screenshots(page, name);
    assert.deepEqual(await axeViolations(page), [], path);
  }
});

test('the console sends an anonymous visitor to the login page', async () => {
  await page.goto(server.url + '/console');
  await page.waitForURL(/\/accedi\?next=%2Fconsole/, { timeout: 15000 });
});
