// The console beyond the main journey: an operator rejects a registration with a reason,
// and an administrator goes through every administration page (settings are saved back;
// a document and a FAQ published there appear on the public pages).
// axe on every page, as everywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';
import { makePdf, randomCodiceFiscale } from './lib/fixtures.mjs';
import { identityDocumentShown } from './lib/document.mjs';

let server, browser, operator, admin, visitor;

before(async () => {
  server = await startServer();
  browser = await launch();
  operator = await person(browser, 'operator');
  admin = await person(browser, 'admin');
  visitor = await person(browser, 'visitor');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function login(who, acc) {
  const { page } = who;
  await open(who, server.url, '/accedi');
  await who.audit(`login (${who.label})`);
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.waitForURL(/\/console$/);
  await titled(who, 'Coda delle pratiche');
}

/** A registration sent straight to the API, as another browser would. */
async function register(email) {
  const form = new FormData();
  form.append('data', new Blob([JSON.stringify({
    fiscal_code: randomCodiceFiscale(),
    first_name: 'Anna',
    last_name: 'Neri',
    email,
    password: 'Sportello-2026!e2e',
    privacy_accepted: true,
  })], { type: 'application/json' }));
  form.append('identity_document', new Blob([makePdf('Documento non leggibile')], { type: 'application/pdf' }), 'documento.pdf');
  const res = await fetch(`${server.url}/api/v1/auth/register`, { method: 'POST', body: form });
  assert.equal(res.status, 202, await res.text());
}

test('an operator rejects a registration, giving the reason', async () => {
  const email = `anna.neri.${Date.now()}@example.it`;
  await register(email);
  const { page } = operator;
  await login(operator, account(server.demo, 'operator', /tributi/));
  await operator.audit('console queue');
  await page.getByRole('link', { name: 'Registrazioni da verificare' }).click();
  const card = page.getByTestId('registration').filter({ hasText: email });
  await card.waitFor();
  await identityDocumentShown(operator, card);
  await card.getByRole('button', { name: 'Respingi' }).click();
  await card.getByRole('button', { name: 'Conferma' }).click();
  await card.getByText('Indica il motivo del rifiuto').waitFor();
  await operator.audit('registrations (reason missing)');
  await card.getByLabel('Motivo del rifiuto *', { exact: true }).fill('Il documento allegato non è leggibile: caricane uno nitido.');
  await card.getByRole('button', { name: 'Conferma' }).click();
  await page.getByRole('status').filter({ hasText: 'Registrazione respinta.' }).waitFor();
  await card.waitFor({ state: 'detached' });
  await operator.audit('registrations (rejected)');
  // Operators do not see the administration.
  assert.equal(await page.getByRole('link', { name: "Impostazioni dell'ente" }).count(), 0);
});

test('an administrator goes through every administration page', async () => {
  const { page } = admin;
  await login(admin, account(server.demo, 'admin'));
  await admin.audit('console queue (admin)');
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  for (const [link, ready] of [
    ['Uffici', page.getByText('Ufficio Tributi').first()],
    ['Utenti', page.getByText('operatore.tributi@comune.esempio.it')],
    ['Regole di smistamento', page.locator('select').first()],
    ['Documenti pubblicati', page.getByText('Regolamento TARI').first()],
    ['Domande frequenti', page.getByText('Chi deve pagare la TARI?').first()],
  ]) {
    await nav.getByRole('link', { name: link }).click();
    await titled(admin, link);
    await ready.waitFor();
    await admin.audit(`admin: ${link}`);
  }

  // A document and a FAQ published here appear on the public pages.
  await nav.getByRole('link', { name: 'Documenti pubblicati' }).click();
  await titled(admin, 'Documenti pubblicati');
  await page.getByLabel('Titolo *', { exact: true }).fill('Tariffe TARI 2027');
  await page.getByLabel('Categoria', { exact: true }).fill('Tariffe');
  await page.getByLabel('File *', { exact: true }).setInputFiles({ name: 'tariffe-2027.pdf', mimeType: 'application/pdf', buffer: makePdf('Tariffe TARI 2027') });
  await page.getByRole('button', { name: 'Aggiungi' }).click();
  await page.getByRole('status').filter({ hasText: 'Modifiche salvate.' }).waitFor();
  await page.getByText('Tariffe TARI 2027').waitFor();
  await admin.audit('admin: documents (added)');
  await nav.getByRole('link', { name: 'Domande frequenti' }).click();
  await titled(admin, 'Domande frequenti');
  await page.getByLabel('Domanda *', { exact: true }).fill('Posso pagare la TARI con PagoPA?');
  await page.getByLabel('Risposta *', { exact: true }).fill('Sì: ogni avviso riporta il codice per pagare con PagoPA.');
  await page.getByRole('button', { name: 'Aggiungi' }).click();
  await page.getByRole('status').filter({ hasText: 'Modifiche salvate.' }).waitFor();
  await admin.audit('admin: FAQ (added)');
  await open(visitor, server.url, '/documenti');
  await visitor.page.getByRole('link', { name: /Tariffe TARI 2027/ }).waitFor();
  await visitor.audit('documents (new one)');
  await open(visitor, server.url, '/faq');
  await visitor.page.getByRole('button', { name: 'Posso pagare la TARI con PagoPA?' }).waitFor();
  await visitor.audit('FAQ (new one)');

  await nav.getByRole('link', { name: "Impostazioni dell'ente" }).click();
  await titled(admin, "Impostazioni dell'ente");
  const patron = page.getByLabel('Santo patrono', { exact: false });
  await patron.waitFor();
  assert.equal(await patron.inputValue(), '06-24');
  await admin.audit('admin: settings');
  await screenshots(admin, 'console-settings');
  await page.getByRole('button', { name: 'Salva' }).click();
  await page.getByRole('status').filter({ hasText: 'Modifiche salvate.' }).waitFor();
  await admin.audit('admin: settings (saved)');
});

test('no console error, and every page visited passed axe', () => {
  for (const who of [operator, admin, visitor]) {
    assert.deepEqual(who.unexpected(), [], who.label);
    who.assertAllAudited();
  }
});
