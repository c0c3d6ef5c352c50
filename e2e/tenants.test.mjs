// The platform's tenants from the console: a platform administrator opens "Enti della
// piattaforma", is told next to the field that a host name with a port is refused, creates
// a Comune with its host name and first administrator, then adds a second host name. The
// demo Comune's own administrator has no such menu entry and gets 403 from the API.
// axe at 1280 and 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';

const PLATFORM = { email: 'piattaforma@esempio.it', password: 'Piattaforma2026!' };
let server, browser, platform;

before(async () => {
  server = await startServer({ platformAdmin: PLATFORM });
  browser = await launch();
  platform = await person(browser, 'platform');
});

after(async () => {
  // Read the findings first, then close everything, then assert: a failing assertion must
  // not leave the browser and the server running.
  const audited = platform && (() => { try { platform.assertAllAudited(); return null; } catch (e) { return e; } })();
  const unexpected = platform ? platform.unexpected() : [];
  await browser?.close();
  await server?.stop();
  if (audited) throw audited;
  assert.deepEqual(unexpected, [], 'platform: unexpected console errors');
});

async function api(method, path, token, body) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

test('a platform administrator creates a Comune and gives it a second host name', async () => {
  const { page } = platform;
  await open(platform, server.url, '/console/accedi');
  await titled(platform, 'Accesso operatori');
  await platform.audit('login');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(PLATFORM.email);
  await page.getByLabel('Password *', { exact: true }).fill(PLATFORM.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.waitForURL(/\/console$/);
  await titled(platform, 'Coda delle pratiche');
  await platform.audit('queue');
  await page.getByRole('navigation', { name: 'Navigazione della console' }).getByRole('link', { name: 'Enti della piattaforma', exact: true }).click();
  await titled(platform, 'Enti della piattaforma');
  await platform.audit('tenants');

  await page.getByLabel('Identificativo *', { exact: true }).fill('comune-di-altrove');
  await page.getByLabel("Nome dell'ente *", { exact: true }).fill('Comune di Altrove');
  const hosts = page.getByLabel('Nomi host', { exact: true });
  await hosts.fill('sportello.altrove.test:8080');
  await page.getByRole('button', { name: "Crea l'ente", exact: true }).click();
  await page.locator('.invalid-feedback').filter({ hasText: 'Nome host non valido' }).waitFor();
  assert.equal(await hosts.getAttribute('aria-invalid'), 'true');
  await platform.audit('tenants (host refused)');

  await hosts.fill('sportello.altrove.test');
  await page.getByLabel('E-mail del primo amministratore', { exact: true }).fill('segreteria@altrove.test');
  await page.getByLabel('Password del primo amministratore', { exact: true }).fill('Altrove2026!segreteria');
  await page.getByRole('button', { name: "Crea l'ente", exact: true }).click();
  await page.getByText('Ente comune-di-altrove creato.').waitFor();
  const row = page.getByRole('row').filter({ hasText: 'Comune di Altrove' });
  await row.getByText('sportello.altrove.test').waitFor();
  await platform.audit('tenants (created)');
  await screenshots(platform, 'console-tenants');

  await row.getByRole('button', { name: /Modifica/ }).click();
  await page.getByRole('heading', { name: 'Modifica Comune di Altrove' }).waitFor();
  await page.getByLabel('Nomi host', { exact: true }).fill('sportello.altrove.test\nservizi.altrove.test');
  await page.getByRole('button', { name: 'Salva', exact: true }).click();
  await page.getByText('Ente aggiornato.').waitFor();
  await row.getByText('servizi.altrove.test').waitFor();
  await platform.audit('tenants (hosts changed)');

  const token = (await api('POST', '/auth/login', null, { username: PLATFORM.email, password: PLATFORM.password })).body.access_token;
  const list = (await api('GET', '/platform/tenants', token)).body;
  const altrove = list.find((t) => t.slug === 'comune-di-altrove');
  assert.deepEqual(altrove.hosts, ['servizi.altrove.test', 'sportello.altrove.test']);
});

test("the demo Comune's administrator has no platform menu and gets 403", async () => {
  const admin = await person(browser, 'admin');
  const acc = account(server.demo, 'admin');
  const { page } = admin;
  await open(admin, server.url, '/console/accedi');
  await titled(admin, 'Accesso operatori');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.waitForURL(/\/console$/);
  await titled(admin, 'Coda delle pratiche');
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  await nav.getByRole('link', { name: 'Uffici', exact: true }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Enti della piattaforma', exact: true }).count(), 0);
  const token = (await api('POST', '/auth/login', null, { username: acc.username, password: acc.password })).body.access_token;
  assert.equal((await api('GET', '/platform/tenants', token)).status, 403);
  await page.close();
});
