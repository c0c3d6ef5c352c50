// The public content from the console: (a) the demo administrator edits the "tariffe"
// item of Trasparenza rifiuti (text and a link), is told next to the field that a
// `javascript:` address is refused, saves, and the public /trasparenza page shows the
// text; (b) adds an item to the Riciclabolario and finds it by a synonym, deletes it,
// imports a CSV with a bad second row (nothing imported, "Riga 2" named), then a good
// one; (c) an operator opens a request filed through the API, reads the suggested answers
// and puts one into the reply box (nothing sent); (d) the register shows the questions
// solved without a request. axe on every page, at 1280 and 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';

let server, browser, admin, operator, visitor;
const stamp = Date.now().toString(36);

async function api(path, token, body) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function token(acc) {
  return (await api('/auth/login', null, { username: acc.username, password: acc.password })).access_token;
}

before(async () => {
  server = await startServer();
  browser = await launch();
  admin = await person(browser, 'admin');
  operator = await person(browser, 'operator');
  visitor = await person(browser, 'visitor');
});

after(async () => {
  for (const who of [admin, operator, visitor]) {
    if (!who) continue;
    who.assertAllAudited();
    assert.deepEqual(who.unexpected(), [], `${who.label}: unexpected console errors`);
  }
  await browser?.close();
  await server?.stop();
});

async function login(who, acc) {
  const { page } = who;
  await open(who, server.url, '/console/accedi');
  await titled(who, 'Accesso operatori');
  await who.audit(`login (${who.label})`);
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.waitForURL(/\/console$/);
  await titled(who, 'Coda delle pratiche');
  await who.audit(`console queue (${who.label})`);
}

const nav = (who) => who.page.getByRole('navigation', { name: 'Navigazione della console' });

test('(a) the administrator edits the "tariffe" item; the public page shows it', async () => {
  const { page } = admin;
  await login(admin, account(server.demo, 'admin'));
  await nav(admin).getByRole('link', { name: 'Trasparenza rifiuti' }).click();
  await titled(admin, 'Trasparenza rifiuti');
  const items = page.getByTestId('titr-items').locator('li[data-item]');
  await items.first().waitFor();
  assert.equal(await items.count(), 12, 'the twelve items of art. 3.1');
  await page.getByTestId('collection-years').waitFor();
  await page.getByTestId('compliance-admin').waitFor();
  await admin.audit('transparency admin');
  await screenshots(admin, 'console-transparency');

  const item = page.locator('li[data-item="tariffe"]');
  await item.getByRole('button', { name: /Modifica.*Tariffe e regole di calcolo/ }).click();
  const body = item.getByLabel('Testo', { exact: true });
  await body.waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'ti-body');
  const text = `La tariffa ${stamp} si compone di una quota fissa e di una quota variabile.`;
  await body.fill(text);
  const before = await item.getByTestId('link-row').count();
  await item.getByRole('button', { name: 'Aggiungi un collegamento' }).click();
  const row = item.getByTestId('link-row').nth(before);
  await row.getByLabel('Testo del collegamento *').fill('Calcola la tua TARI');
  const url = row.getByLabel('Indirizzo *');
  await url.fill('javascript:alert(1)');
  await item.getByRole('button', { name: 'Salva la voce' }).click();
  // Next to the field, and in the summary, which takes the focus.
  await row.locator('.invalid-feedback').filter({ hasText: 'Indirizzo non valido' }).waitFor();
  assert.equal(await url.getAttribute('aria-invalid'), 'true');
  await page.waitForFunction(() => document.activeElement?.id === 'ti-errors');
  await page.locator('#ti-errors').getByRole('link', { name: /Indirizzo non valido/ }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), await url.getAttribute('id'));
  await admin.audit('transparency admin (link refused)');
  await url.fill('/riciclabolario');
  await item.getByRole('button', { name: 'Salva la voce' }).click();
  await item.getByRole('status').filter({ hasText: 'Voce «Tariffe e regole di calcolo» salvata.' }).waitFor();
  assert.equal(await row.locator('.invalid-feedback').count(), 0);
  await admin.audit('transparency admin (saved)');
  await screenshots(admin, 'console-transparency-item');

  await open(visitor, server.url, '/trasparenza');
  await titled(visitor, 'Trasparenza rifiuti');
  const section = visitor.page.locator('section.it-page-section', { has: visitor.page.getByRole('heading', { name: /Tariffe e regole di calcolo/ }) });
  await section.getByText(text).waitFor();
  await section.getByRole('link', { name: 'Calcola la tua TARI' }).waitFor();
  await visitor.audit('transparency (edited item)');
});

test('(b) the administrator keeps the Riciclabolario: an item, then a CSV import', async () => {
  const { page } = admin;
  await nav(admin).getByRole('link', { name: 'Riciclabolario' }).click();
  await titled(admin, 'Riciclabolario');
  await page.getByTestId('waste-items').waitFor();
  await admin.audit('riciclabolario admin');
  await screenshots(admin, 'console-riciclabolario');

  // The collection is required: said next to the select.
  const name = `Lampadina a LED ${stamp}`;
  const form = page.locator('#wa-form');
  await form.getByLabel('Nome *', { exact: true }).fill(name);
  await form.getByRole('button', { name: 'Aggiungi', exact: true }).click();
  await page.locator('#wa-fraction-error').filter({ hasText: 'Scegli la raccolta' }).waitFor();
  await admin.audit('riciclabolario admin (field error)');
  await form.getByLabel('Raccolta *', { exact: true }).selectOption({ label: 'RAEE (apparecchiature elettriche)' });
  await form.getByLabel('Dove portarlo', { exact: true }).selectOption({ label: 'Centro di raccolta' });
  await form.getByLabel('Sinonimi', { exact: true }).fill(`lampada ${stamp}, bulbo`);
  await form.getByRole('button', { name: 'Aggiungi', exact: true }).click();
  await form.getByRole('status').filter({ hasText: `«${name}» aggiunto al Riciclabolario.` }).waitFor();

  // Found by its synonym.
  await page.getByLabel('Cerca un rifiuto').fill(`lampada ${stamp}`);
  const found = page.getByTestId('waste-items').locator('tbody tr').filter({ hasText: name });
  await found.waitFor();
  assert.match(await found.textContent(), /RAEE/);
  assert.match(await found.textContent(), /Centro di raccolta/);
  await admin.audit('riciclabolario admin (found)');

  // Deleted after a confirmation.
  page.once('dialog', (d) => d.accept());
  await found.getByRole('button', { name: `Elimina ${name}` }).click();
  await page.getByRole('status').filter({ hasText: `«${name}» eliminato.` }).waitFor();
  await found.waitFor({ state: 'detached' });
  await admin.audit('riciclabolario admin (deleted)');
  await page.getByLabel('Cerca un rifiuto').fill('');

  // A bad second row: nothing is imported, the row is named.
  const header = 'nome,frazione,contenitore,dove_portarlo,note,sinonimi';
  const bad = `${header}\nVaschetta ${stamp},plastica,,,,\nSasso ${stamp},pietre,,,,\n`;
  const file = page.locator('#wa-file');
  // The refusal is the API's 422, which the browser logs.
  admin.allow(/status of 422/);
  await file.setInputFiles({ name: 'riciclabolario.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByRole('button', { name: 'Importa', exact: true }).click();
  const errors = page.getByTestId('import-errors');
  await errors.waitFor();
  assert.match(await errors.textContent(), /Riga 2 · frazione/i);
  await admin.audit('riciclabolario admin (import refused)');
  const good = `${header}\nVaschetta ${stamp},plastica,,,Sciacquata,vaschetta plastica|contenitore yogurt\nCiotola rotta ${stamp},indifferenziato,,,,\n`;
  await file.setInputFiles({ name: 'riciclabolario.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.getByRole('button', { name: 'Importa', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Importazione completata: 2 creati, 0 aggiornati.' }).waitFor();
  assert.equal(await errors.count(), 0);
  await page.getByLabel('Cerca un rifiuto').fill(`Vaschetta ${stamp}`);
  await page.getByTestId('waste-items').locator('tbody tr').filter({ hasText: `Vaschetta ${stamp}` }).waitFor();
  await admin.audit('riciclabolario admin (imported)');
});

test('(c) an operator inserts a suggested answer into the reply box', async () => {
  const { page } = operator;
  const mario = account(server.demo, 'citizen');
  const request = await api('/requests', await token(mario), {
    type: 'tari_informazioni',
    subject: 'Come pago la TARI?',
    description: 'Vorrei sapere come pagare la TARI e quali sono le scadenze delle rate. Richiesta di prova dei test end-to-end.',
    fields: {},
  });
  await login(operator, account(server.demo, 'operator', /tributi/));
  await open(operator, server.url, `/console/pratiche/${request.id}`);
  await titled(operator, `Pratica ${request.protocol_number}`);
  const panel = page.getByTestId('suggestions');
  await panel.getByRole('heading', { name: 'Risposte suggerite' }).waitFor();
  const first = panel.getByTestId('suggestion').first();
  await first.waitFor();
  assert.match(await first.locator('.badge').textContent(), /^(FAQ|Documento|Riciclabolario|Risposta precedente)$/);
  await operator.audit('request detail (suggestions)');
  const suggested = (await first.locator('p.pre-line').textContent()).trim();
  await first.getByRole('button', { name: 'Inserisci nella risposta' }).click();
  await panel.getByRole('status').filter({ hasText: 'inserito nella risposta' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'msg-body');
  const reply = await page.locator('#msg-body').inputValue();
  assert.equal(reply.trim(), suggested);
  // Not sent: the thread has no new message.
  assert.equal(await page.getByText('Messaggio inviato').count(), 0);
  await operator.audit('request detail (answer inserted)');
  await screenshots(operator, 'console-suggestions');
});

test('(d) the register shows the questions solved without a request', async () => {
  const { page } = operator;
  const faq = await api('/public/faq');
  await api('/public/answers/deflections', null, { source: 'faq', id: faq[0].id });
  await nav(operator).getByRole('link', { name: 'Registro TQRIF' }).click();
  await titled(operator, 'Registro TQRIF');
  const block = page.getByTestId('deflections');
  await block.getByRole('heading', { name: 'Domande risolte senza pratica' }).waitFor();
  await block.getByTestId('deflections-total').filter({ hasText: /^\d+ domand[ae] risolt[ae]/ }).waitFor();
  await block.getByText(faq[0].question).first().waitFor();
  await operator.audit('register (deflections)');
  await screenshots(operator, 'console-register-deflections');
});
