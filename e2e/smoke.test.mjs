// The public pages against the real server: the AgID layout in Italian and English, the
// services (booking a full page load into its own app), documents, FAQ search,
// keyboard use, an API failure shown as an alert, and no console error for a visitor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

let server, browser, visitor;

before(async () => {
  server = await startServer();
  browser = await launch();
  visitor = await person(browser, 'visitor');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('home renders the municipal layout in Italian, with the tenant and its services', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/');
  assert.equal(await page.locator('html').getAttribute('lang'), 'it');
  assert.equal(await page.locator('#page-title').textContent(), 'Servizi TARI online');
  assert.ok(await page.locator('header.it-header-wrapper').isVisible());
  assert.ok(await page.locator('main#main-content').count());
  await page.locator('.it-brand-title', { hasText: 'Comune di Esempio' }).waitFor();
  await page.locator('article', { hasText: 'Reclamo' }).first().waitFor();
  assert.match(await page.title(), /Comune di Esempio/);
  assert.ok(await page.getByRole('link', { name: 'Dichiarazione di accessibilità' }).isVisible());
  assert.ok(await page.getByRole('link', { name: 'Privacy' }).isVisible());
  await visitor.audit('home');
  await screenshots(visitor, 'home');
});

test('appointment booking: the home card loads the booking app', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/');
  const card = page.locator('article', { hasText: 'Prenota un appuntamento' });
  await card.waitFor();
  assert.equal(await card.getByRole('link').getAttribute('rel'), 'external');
  await card.getByRole('link').click();
  await page.waitForURL(/\/prenotazioni$/);
  await titled(visitor, 'Prenota appuntamento');
  await page.getByRole('heading', { name: 'Luogo' }).waitFor();
  await visitor.audit('booking');
});

test('keyboard: the first Tab reaches the skip link, which moves focus to the content', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/');
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => ({ text: document.activeElement?.textContent, href: document.activeElement?.getAttribute('href') }));
  assert.deepEqual(skip, { text: 'Vai al contenuto principale', href: '#main-content' });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'main-content');
});

test('client-side navigation moves focus to the new page title', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/');
  await page.getByRole('link', { name: 'Documenti' }).first().click();
  await page.waitForFunction(() => document.activeElement?.id === 'page-title');
  assert.equal(await page.locator('#page-title').textContent(), 'Documenti');
});

test('documents are listed by category with a working download', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/documenti');
  const link = page.getByRole('link', { name: /Regolamento TARI/ });
  await link.waitFor();
  const href = await link.getAttribute('href');
  const res = await page.request.get(server.url + href);
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  await visitor.audit('documents');
  await screenshots(visitor, 'documents');
});

test('FAQ: search as you type, answers expand in place', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/faq');
  const count = page.getByTestId('faq-count');
  await count.waitFor();
  const all = await page.locator('.accordion-item').count();
  assert.ok(all >= 3, `only ${all} FAQ`);
  await page.getByLabel('Cerca tra le domande').fill('pagare');
  await page.waitForFunction((n) => document.querySelectorAll('.accordion-item').length < n, all);
  const first = page.locator('.accordion-button').first();
  await first.click();
  assert.equal(await first.getAttribute('aria-expanded'), 'true');
  await visitor.audit('faq');
  await screenshots(visitor, 'faq');
});

test('an API failure shows an error alert, not a blank page', async () => {
  const { page } = visitor;
  visitor.allow(/status of 503/);
  await page.route('**/api/v1/public/faq*', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', title: 'Servizio non disponibile', status: 503, errors: [] }),
    }),
  );
  try {
    await open(visitor, server.url, '/faq');
    await page.getByRole('alert').filter({ hasText: 'Servizio non disponibile' }).waitFor({ timeout: 10000 });
    assert.equal(await page.locator('#page-title').textContent(), 'Domande frequenti');
    await visitor.audit('faq with the API down');
  } finally {
    await page.unroute('**/api/v1/public/faq*');
  }
});

test('language switch to English is remembered', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/');
  await page.getByRole('button', { name: /Lingua: English/ }).click();
  await titled(visitor, 'Online waste-tax (TARI) services');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.reload();
  await titled(visitor, 'Online waste-tax (TARI) services');
  await visitor.audit('home in English');
  await page.getByRole('button', { name: /Language: Italiano/ }).click();
  await titled(visitor, 'Servizi TARI online');
});

test('login, registration, accessibility and privacy pages are accessible', async () => {
  for (const [path, name] of [
    ['/accedi', 'login'],
    ['/registrazione', 'register'],
    ['/dichiarazione-accessibilita', 'accessibility'],
    ['/privacy', 'privacy'],
    ['/pagina-che-non-esiste', 'not-found'],
  ]) {
    await open(visitor, server.url, path);
    await visitor.audit(name);
    if (path === '/accedi' || path === '/registrazione') await screenshots(visitor, name);
  }
});

test('registration errors are shown per field, in Italian, before any upload', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/registrazione');
  await page.getByLabel('Codice fiscale *', { exact: true }).fill('RSSMRA80A01H501X');
  await page.getByRole('button', { name: 'Invia la registrazione' }).click();
  await page.getByRole('alert').first().waitFor();
  assert.match(await page.locator('#fiscal_code-error').textContent(), /carattere di controllo/);
  assert.equal(await page.getByLabel('Codice fiscale *', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.ok(await page.locator('#identity_document-error').isVisible());
  assert.ok(await page.locator('#privacy_accepted-error').isVisible());
  await visitor.audit('register with errors');
});

test("the console sends an anonymous visitor to its own sign-in page, to come back after", async () => {
  const { page } = visitor;
  visitor.skipAudit('/console/registro'); // only passed through: the guard sends the visitor on
  await page.goto(server.url + '/console/registro');
  await page.waitForURL(/\/console\/accedi\?next=%2Fconsole%2Fregistro/, { timeout: 15000 });
  await titled(visitor, 'Accesso operatori');
  await visitor.audit('console login (redirected)');
});

test('a visitor meets no console error and every page visited passed axe', () => {
  assert.deepEqual(visitor.unexpected(), []);
  visitor.assertAllAudited();
});
