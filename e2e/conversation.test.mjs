// The conversation around a request, beyond the main journey: the office asks for more
// information, the citizen answers with an attachment (which resumes the request), the
// office downloads it; the office reclassifies a request and sees the recomputed due date;
// the citizen withdraws a request. The demo citizen files the requests through the API
// (the wizard has its own journey); everything else happens in the browser, under axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';
import { makePdf } from './lib/fixtures.mjs';

let server, browser, citizen, operator, mario, staff;
const requests = {};

async function api(path, token, body) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

before(async () => {
  server = await startServer();
  browser = await launch();
  citizen = await person(browser, 'citizen');
  operator = await person(browser, 'operator');
  mario = account(server.demo, 'citizen');
  staff = account(server.demo, 'operator', /tributi/);
  const { access_token: token } = await api('/auth/login', null, { username: mario.username, password: mario.password });
  const file = (type, subject) =>
    api('/requests', token, { type, subject, description: `${subject}: richiesta di prova dei test end-to-end.`, fields: {} });
  requests.info = await file('tari_informazioni', 'Tariffa per un box auto');
  requests.reclassify = await file('tari_informazioni', 'Importo sbagliato nell\'avviso 2026');
  requests.withdraw = await file('tari_informazioni', 'Domanda già risolta allo sportello');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function login(who, acc) {
  const { page } = who;
  // Staff sign in at the console's own page.
  await open(who, server.url, acc.role === 'citizen' ? '/accedi' : '/console/accedi');
  await who.audit(`login (${who.label})`);
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
}

async function openInConsole(r) {
  await open(operator, server.url, `/console/pratiche/${r.id}`);
  await titled(operator, `Pratica ${r.protocol_number}`);
}

const badge = (page) => page.locator('[data-status]').first();

test('the office asks for more information', async () => {
  const { page } = operator;
  await login(operator, staff);
  await page.waitForURL(/\/console$/);
  await titled(operator, 'Coda delle pratiche');
  await operator.audit('console queue');
  await openInConsole(requests.info);
  await operator.audit('console request');
  await page.getByRole('button', { name: 'Prendi in carico' }).click();
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.locator('[data-status=in_progress]').first().waitFor();
  await page.getByRole('button', { name: 'Chiedi integrazione' }).click();
  // The text for the citizen is required.
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.locator('#act-note-error').waitFor();
  await operator.audit('console request (information request, error)');
  await page.getByLabel('Risposta al cittadino *', { exact: true }).fill('Può indicare la superficie del box e i dati catastali?');
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.locator('[data-status=waiting_citizen]').first().waitFor();
  assert.equal((await badge(page).textContent()).trim(), 'In attesa di integrazione');
  await operator.audit('console request (waiting for the citizen)');
});

test('the citizen answers with an attachment, which resumes the request', async () => {
  const { page } = citizen;
  await login(citizen, mario);
  await page.waitForURL(/\/area-personale$/);
  await titled(citizen, 'Area personale');
  await citizen.audit('personal area');
  await page.getByRole('navigation', { name: "Menu dell'area personale" }).getByRole('link', { name: 'Pratiche', exact: true }).click();
  await titled(citizen, 'Le mie pratiche');
  const item = page.getByTestId('my-requests').locator('li').filter({ hasText: requests.info.protocol_number });
  await item.waitFor();
  assert.equal((await item.locator('[data-status]').textContent()).trim(), 'Integrazione richiesta');
  await citizen.audit('my requests');
  await item.getByRole('link').click();
  await titled(citizen, 'Pratica');
  await page.locator('.thread').getByText('Può indicare la superficie del box').waitFor();
  await citizen.audit('request detail (waiting)');

  await page.getByLabel('Il tuo messaggio *', { exact: true }).fill('Il box è di 18 m², foglio 12 particella 345 sub 7. Allego la visura.');
  await page.getByLabel('Allegati (facoltativi)').setInputFiles({
    name: 'visura-box.pdf',
    mimeType: 'application/pdf',
    buffer: makePdf('Visura catastale - box auto'),
  });
  await page.getByRole('button', { name: 'Invia', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Messaggio inviato.' }).waitFor();
  await page.locator('.thread').getByRole('button', { name: /visura-box\.pdf/ }).waitFor();
  // The server resumed the request: the page shows it without a reload.
  await page.locator('[data-status=in_progress]').first().waitFor();
  assert.equal(await page.getByLabel('Allegati (facoltativi)').inputValue(), '', 'the file picker still holds the sent file');
  await citizen.audit('request detail (answered)');
  await screenshots(citizen, 'request-detail-answered');
});

test('the office downloads the attachment', async () => {
  const { page } = operator;
  await openInConsole(requests.info);
  assert.equal((await badge(page).textContent()).trim(), 'Presa in carico');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('.thread').getByRole('button', { name: /visura-box\.pdf/ }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'visura-box.pdf');
  assert.ok(readFileSync(await download.path()).subarray(0, 5).equals(Buffer.from('%PDF-')));
  await operator.audit('console request (answered)');
});

test('reclassifying shows the due date recomputed from the receipt', async () => {
  const { page } = operator;
  await openInConsole(requests.reclassify);
  const before = requests.reclassify.due_date;
  await page.getByRole('button', { name: 'Riclassifica' }).click();
  await page.getByLabel('Nuovo tipo *', { exact: true }).selectOption({ label: 'Rettifica importi (autotutela)' });
  const recomputed = page.getByTestId('recomputed-due');
  await recomputed.filter({ hasText: 'Nuova scadenza' }).waitFor();
  const shown = /(\d{2}\/\d{2}\/\d{4})/.exec(await recomputed.textContent())[1];
  await operator.audit('console request (reclassify)');
  await page.getByLabel('Nota', { exact: true }).fill('È una richiesta di rettifica, non di informazioni.');
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.getByRole('status').filter({ hasText: 'Operazione eseguita.' }).waitFor();
  const after = await api(`/requests/${requests.reclassify.id}`, (await api('/auth/login', null, { username: staff.username, password: staff.password })).access_token);
  assert.equal(after.type, 'tari_rettifica');
  const [y, m, d] = after.due_date.split('-');
  assert.equal(shown, `${d}/${m}/${y}`, 'the console and the server disagree on the new due date');
  assert.notEqual(after.due_date, before);
  await operator.audit('console request (reclassified)');
});

test('the citizen withdraws a request', async () => {
  const { page } = citizen;
  await open(citizen, server.url, `/area-personale/pratiche/${requests.withdraw.id}`);
  await page.getByTestId('protocol-number').filter({ hasText: requests.withdraw.protocol_number }).waitFor();
  await citizen.audit('request detail (to withdraw)');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Ritira la richiesta' }).click();
  await page.getByRole('status').filter({ hasText: 'La richiesta è stata ritirata.' }).waitFor();
  await page.locator('[data-status=withdrawn]').first().waitFor();
  assert.equal(await page.getByRole('button', { name: 'Ritira la richiesta' }).count(), 0);
  assert.equal(await page.getByLabel('Il tuo messaggio *', { exact: true }).count(), 0, 'a withdrawn request takes no replies');
  await citizen.audit('request detail (withdrawn)');
});

test('no console error, and every page visited passed axe', () => {
  for (const who of [citizen, operator]) {
    assert.deepEqual(who.unexpected(), [], who.label);
    who.assertAllAudited();
  }
});
