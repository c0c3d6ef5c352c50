// The taxpayer's account in the browser. The portal's first load stays within its budget
// and does not carry "La mia posizione", which loads as an app of its own. The demo citizen
// opens La mia posizione (sent to sign in and back), sees the residual and the default
// interest the API computes, downloads the estratto conto PDF (its text, read with
// pdftotext, shows the same residual and interest), simulates an instalment plan (a number
// the amount does not allow is refused with the reason, then a plan of 3) and files the
// rateizzazione through the request form, filled in. An operator sees the plan on the
// request, grants it by resolving the request, and the statement (the desk's and the
// citizen's) says "rateizzazione concessa". The operator finds Mario in "Contribuenti",
// records a desk payment and sees the statement change; then imports the
// sample contribuenti CSV and watches the progress bar end in the report, and a file with a
// bad row: refused whole with the row by line and column and the errors.csv, then imported
// skipping it. The citizen turns SMS payment reminders off in La mia posizione. axe on every
// page, as everywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, person, open, titled, screenshots, ROOT } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';

let server, browser, citizen, operator, visitor, mario, rateizzazione;
const TMP = mkdtempSync(join(tmpdir(), 'sportello-e2e-taxpayer-'));

before(async () => {
  server = await startServer();
  browser = await launch();
  citizen = await person(browser, 'citizen');
  operator = await person(browser, 'operator');
  visitor = await person(browser, 'visitor');
  mario = account(server.demo, 'citizen');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function api(path, token) {
  const res = await fetch(`${server.url}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

async function token(acc) {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: acc.username, password: acc.password }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text).access_token;
}

/** Cents as the statement writes them: `1.234,56 €` (as domain::Money's Display). */
function eur(cents) {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${sign}${euros},${String(abs % 100).padStart(2, '0')} €`;
}

/** Text with every kind of space made one plain space. */
const plain = (s) => s.replace(/\s+/g, ' ');

async function signIn(who, acc) {
  const { page } = who;
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
}

test("the portal's first load stays within 400 KiB and does not carry La mia posizione", async () => {
  const dist = process.env.SPORTELLO_WEB_DIR || join(ROOT, 'dist');
  const firstLoad = ['index.html', 'boot.js', 'sportello.js', 'sportello_bg.wasm', 'bootstrap-italia/css/bootstrap-italia.min.css', 'app.css'];
  // GNU gzip -9, as scripts/build-web.sh and BENCHMARKS.md count it.
  const gz = firstLoad.reduce((n, f) => n + execFileSync('gzip', ['-9c', join(dist, f)], { maxBuffer: 64 << 20 }).length, 0);
  assert.ok(gz <= 400 * 1024, `portal first load ${gz} B > 400 KiB`);

  const wasm = [];
  visitor.page.on('request', (r) => {
    if (r.url().includes('.wasm')) wasm.push(new URL(r.url()).pathname);
  });
  await open(visitor, server.url, '/');
  await visitor.audit('home');
  assert.deepEqual(wasm, ['/sportello_bg.wasm']);
});

test('a citizen opens La mia posizione, downloads the statement PDF and simulates a plan', async () => {
  const { page } = citizen;
  const wasm = [];
  page.on('request', (r) => {
    if (r.url().includes('.wasm')) wasm.push(new URL(r.url()).pathname);
  });
  // Not signed in yet: to the sign-in page and back.
  await page.goto(`${server.url}/area-personale/posizione`);
  await page.waitForURL(/\/accedi\?next=%2Farea-personale%2Fposizione$/);
  citizen.skipAudit('/area-personale/posizione'); // only passed through before signing in
  await titled(citizen, 'Accedi');
  await citizen.audit('login (to La mia posizione)');
  await signIn(citizen, mario);
  await page.waitForURL(/\/area-personale\/posizione$/);
  await titled(citizen, 'La mia posizione');
  assert.ok(wasm.includes('/account_bg.wasm'), `the account app was not loaded: ${wasm}`);

  // The same numbers as the API's statement.
  const expected = await api('/me/statement', await token(mario));
  assert.ok(expected.totals.interest > 0, 'the demo account should owe default interest');
  const totals = page.getByTestId('statement-totals');
  await totals.waitFor();
  const shown = plain(await totals.textContent());
  for (const cents of [expected.totals.residual, expected.totals.interest, expected.totals.daily_interest]) {
    assert.ok(shown.includes(plain(eur(cents))), `${eur(cents)} not in "${shown}"`);
  }
  const acts = page.getByTestId('statement-act');
  assert.equal(await acts.count(), expected.acts.length);
  const ordinary = acts.filter({ hasText: 'Avviso di pagamento ordinario' });
  assert.match(plain(await ordinary.textContent()), /Stato: In essere/);
  await page.getByRole('table', { name: 'Utenze TARI' }).getByText('DEMO-U-0001').waitFor();
  await page.getByRole('table', { name: 'Pagamenti registrati' }).getByText('RF18DEMO0000000000001').waitFor();
  await citizen.audit('La mia posizione');
  await screenshots(citizen, 'my-account');

  // The PDF: the residual and the interest, as on the page.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: "Scarica l'estratto conto (PDF)" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'estratto-conto.pdf');
  const pdf = join(TMP, 'estratto-conto.pdf');
  await download.saveAs(pdf);
  assert.ok(readFileSync(pdf).subarray(0, 5).equals(Buffer.from('%PDF-')), 'not a PDF');
  const text = plain(execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }));
  assert.match(text, /Estratto conto del contribuente/);
  assert.match(text, new RegExp(`Debito residuo ${plain(eur(expected.totals.residual))}`));
  assert.match(text, new RegExp(`Interessi di mora maturati ${plain(eur(expected.totals.interest))}`));
  assert.match(text, new RegExp(`Interessi di mora giornalieri ${plain(eur(expected.totals.daily_interest))}`));

  // The plan simulator on the ingiunzione: too many instalments are refused, with why.
  const ingiunzione = acts.filter({ hasText: 'Ingiunzione di pagamento' });
  const simulate = ingiunzione.getByRole('button', { name: 'Simula una rateizzazione' });
  assert.equal(await simulate.getAttribute('aria-expanded'), 'false');
  await simulate.click();
  assert.equal(await simulate.getAttribute('aria-expanded'), 'true');
  // The refusal is the API's 422, which the browser logs.
  citizen.allow(/status of 422/);
  await ingiunzione.getByLabel('Numero di rate', { exact: true }).fill('12');
  await ingiunzione.getByRole('button', { name: 'Calcola il piano' }).click();
  const refusal = ingiunzione.getByRole('alert');
  await refusal.waitFor();
  assert.match(plain(await refusal.textContent()), /Dati non validi/);
  // Why, next to the field.
  const why = ingiunzione.locator('.invalid-feedback').first();
  await why.waitFor();
  assert.match(plain(await why.textContent()), /rat/);
  await citizen.audit('plan simulator (refused)');

  await ingiunzione.getByLabel('Numero di rate', { exact: true }).fill('3');
  await ingiunzione.getByRole('button', { name: 'Calcola il piano' }).click();
  const plan = ingiunzione.getByRole('table', { name: 'Rate proposte' });
  await plan.waitFor();
  assert.equal(await plan.locator('tbody tr').count(), 3);
  assert.match(plain(await ingiunzione.getByTestId('plan-entitlement').textContent()), /discrezione dell'ufficio/);
  await citizen.audit('plan simulator (3 instalments)');
  await screenshots(citizen, 'plan-simulator');

  // "Chiedi questa rateizzazione": the request form, filled in.
  await ingiunzione.getByRole('link', { name: 'Chiedi questa rateizzazione' }).click();
  await page.waitForURL(/\/nuova-richiesta\?tipo=tari_rateizzazione&/);
  await titled(citizen, 'Rateizzazione');
  await citizen.audit('wizard (from the plan)');
  await page.getByLabel("Ho letto e compreso l'informativa sulla privacy").focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Avanti' }).click();
  assert.ok(await page.getByRole('radio', { name: /^Rateizzazione/ }).isChecked());
  await page.getByRole('button', { name: 'Avanti' }).click();
  const number = expected.acts.find((a) => a.kind === 'ingiunzione').number;
  assert.equal(await page.getByLabel("Numero dell'avviso *", { exact: true }).inputValue(), number);
  assert.equal(await page.getByLabel('Numero di rate richieste *', { exact: true }).inputValue(), '3');
  assert.equal(await page.getByLabel('Oggetto *', { exact: true }).inputValue(), `Rateizzazione dell'atto n. ${number}`);
  await citizen.audit('wizard data (filled in)');
  await page.getByRole('button', { name: 'Avanti' }).click();
  await page.getByRole('button', { name: 'Conferma e invia' }).click();
  await page.getByTestId('protocol-number').waitFor();
  await citizen.audit('wizard confirmation (rateizzazione)');
  // The request carries the plan the citizen saw.
  const mine = await api('/requests', await token(mario));
  const filed = mine.items.find((r) => r.subject === `Rateizzazione dell'atto n. ${number}`);
  assert.ok(filed, 'the rateizzazione request is not among the citizen\'s');
  const carried = await api(`/requests/${filed.id}/plan`, await token(mario));
  assert.equal(carried.proposal.instalments.length, 3);
  rateizzazione = { id: filed.id, number };
});

async function consoleLogin(who, acc) {
  await open(who, server.url, '/console/accedi');
  await titled(who, 'Accesso operatori');
  await who.audit('console login');
  await signIn(who, acc);
  await who.page.waitForURL(/\/console$/);
  await titled(who, 'Coda delle pratiche');
  await who.audit('console queue');
}

test('an operator grants the plan by resolving the request, and the statement says so', async () => {
  const { page } = operator;
  assert.ok(rateizzazione, 'the citizen test filed no rateizzazione');
  await consoleLogin(operator, account(server.demo, 'operator', /tributi/));
  await open(operator, server.url, `/console/pratiche/${rateizzazione.id}`);
  const carried = page.getByTestId('carried-plan');
  await carried.getByRole('table', { name: 'Rate proposte' }).locator('tbody tr').nth(2).waitFor();
  await carried.getByText(/Proposto dal cittadino/).waitFor();
  await operator.audit('console request (plan proposed)');
  await page.getByRole('button', { name: 'Prendi in carico' }).click();
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.locator('[data-status=in_progress]').first().waitFor();
  await page.getByRole('button', { name: 'Rispondi ed evadi' }).click();
  await page.getByLabel('Risposta al cittadino *', { exact: true }).fill('La rateizzazione in 3 rate è concessa secondo il piano proposto.');
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.locator('[data-status=resolved]').first().waitFor();
  await page.getByTestId('carried-plan').getByText(/^Concesso il /).waitFor();
  await operator.audit('console request (plan granted)');

  // The contribuente's file: the ingiunzione is on the plan.
  await page.getByTestId('carried-plan').getByRole('link', { name: 'Apri la scheda del contribuente' }).click();
  await titled(operator, 'Mario Rossi');
  const act = page.getByTestId('statement-act').filter({ hasText: rateizzazione.number });
  await act.getByText(/Rateizzazione concessa il .* in 3 rate/).waitFor();
  assert.match(plain(await act.textContent()), /Stato: Rateizzato/);
  await operator.audit('taxpayer file (plan granted)');

  // And the citizen sees it in La mia posizione.
  await citizen.page.goto(`${server.url}/area-personale/posizione`);
  await titled(citizen, 'La mia posizione');
  await citizen.page
    .getByTestId('statement-act')
    .filter({ hasText: rateizzazione.number })
    .getByText(/Rateizzazione concessa il .* in 3 rate/)
    .waitFor();
  await citizen.audit('La mia posizione (plan granted)');
});

test('an operator finds Mario, records a desk payment and sees the statement change', async () => {
  const { page } = operator;
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  await nav.getByRole('link', { name: 'Contribuenti' }).click();
  await titled(operator, 'Contribuenti');
  await operator.audit('taxpayers (search)');
  await page.getByLabel('Codice fiscale, nome o codice utenza', { exact: true }).fill('DEMO-U-0002');
  await page.getByRole('button', { name: 'Cerca' }).click();
  const results = page.getByTestId('taxpayers');
  await results.getByRole('link', { name: 'Mario Rossi' }).click();
  await titled(operator, 'Mario Rossi');
  const totals = page.getByTestId('statement-totals');
  await totals.waitFor();
  const before = await api('/me/statement', await token(mario));
  assert.ok(plain(await totals.textContent()).includes(plain(eur(before.totals.residual))));
  await operator.audit('taxpayer file');
  await screenshots(operator, 'console-taxpayer');

  // 50,00 € at the desk on the avviso ordinario.
  const form = page.getByRole('region', { name: 'Pagamento allo sportello' });
  const ordinary = before.acts.find((a) => a.kind === 'avviso_ordinario');
  await form.getByLabel('Atto *', { exact: true }).selectOption(ordinary.id);
  await form.getByLabel('Importo (€) *', { exact: true }).fill('abc');
  await form.getByRole('button', { name: 'Registra il pagamento' }).click();
  await form.getByText("Indica l'importo in euro, per esempio 1.234,56").waitFor();
  await operator.audit('desk payment (bad amount)');
  await form.getByLabel('Importo (€) *', { exact: true }).fill('50,00');
  await form.getByLabel('Riferimento', { exact: true }).fill('RICEVUTA-E2E-1');
  await form.getByRole('button', { name: 'Registra il pagamento' }).click();
  await page.getByRole('status').filter({ hasText: 'Pagamento registrato.' }).waitFor();
  await page.getByRole('table', { name: 'Pagamenti registrati' }).getByText('RICEVUTA-E2E-1').waitFor();
  const residual = plain(eur(before.totals.residual - 5000));
  await page.getByTestId('statement-totals').filter({ hasText: residual.split(' ')[0] }).waitFor();
  await operator.audit('desk payment (recorded)');
});

/** Uploads a CSV on the imports page and waits for its report. */
async function importFile(who, kind, name, buffer, skipInvalid, outcome) {
  const { page } = who;
  await page.getByLabel('Tipo di file *', { exact: true }).selectOption(kind);
  await page.getByLabel('File CSV *', { exact: true }).setInputFiles({ name, mimeType: 'text/csv', buffer });
  const skip = page.getByLabel(/Importa le righe valide/);
  if ((await skip.isChecked()) !== skipInvalid) {
    await skip.focus();
    await page.keyboard.press('Space');
  }
  await page.getByRole('button', { name: 'Importa', exact: true }).click();
  const report = page.getByTestId('import-report').filter({ hasText: `Rapporto: ${name}` });
  await report.waitFor();
  const bar = report.getByRole('progressbar', { name: "Avanzamento dell'importazione" });
  await bar.waitFor();
  // The bar follows the job to its end.
  await report.getByTestId('import-state').filter({ hasText: outcome }).waitFor({ timeout: 30000 });
  assert.equal(await bar.getAttribute('aria-valuenow'), '100');
  return report;
}

test('an operator imports a CSV and watches the progress bar end in the report', async () => {
  const { page } = operator;
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  await nav.getByRole('link', { name: 'Importazioni' }).click();
  await titled(operator, 'Importazioni');
  await operator.audit('imports');

  // The sample file: four contribuenti, new or updated.
  const sample = readFileSync(join(ROOT, 'docs', 'samples', 'contribuenti.csv'));
  let report = await importFile(operator, 'contribuenti', 'contribuenti.csv', sample, false, 'Completata');
  const counts = plain(await report.getByTestId('import-counts').textContent());
  const n = (label) => Number(new RegExp(`${label}\\s*(\\d+)`).exec(counts)[1]);
  assert.equal(n('Nuove') + n('Aggiornate') + n('Invariate'), 4, counts);
  assert.equal(n('Non valide'), 0, counts);
  await operator.audit('import completed');
  await screenshots(operator, 'console-import-completed');

  // A bad row: nothing is imported, the report names its line and column.
  const bad = Buffer.from(
    'codice_fiscale;cognome;nome;indirizzo;cap;comune\n' +
      'BNCLRA90D45L219Q;Bianchi;Laura;Via Roma 2;56126;Pisa\n' +
      'NONVALIDO;Neri;Anna;Via Roma 3;561;Pisa\n',
  );
  report = await importFile(operator, 'contribuenti', 'con-errori.csv', bad, false, 'Non riuscita');
  await report.getByRole('alert').filter({ hasText: /nessuna riga è stata importata/i }).waitFor();
  const errors = report.getByRole('table', { name: 'Righe non valide' });
  const row = errors.getByRole('row').filter({ hasText: 'codice_fiscale' });
  assert.equal(await row.locator('td').first().textContent(), '3');
  assert.ok(await errors.getByRole('row').filter({ hasText: 'cap' }).count() > 0, 'the postal code error is not reported');
  await operator.audit('import refused (report by line)');
  await screenshots(operator, 'console-import-failed');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    report.getByRole('button', { name: 'Scarica il rapporto degli errori (CSV)' }).click(),
  ]);
  const csv = join(TMP, 'errori.csv');
  await download.saveAs(csv);
  assert.match(readFileSync(csv, 'utf8'), /^3;"codice_fiscale";/m);

  // Again, skipping the invalid row: Laura is imported, the bad row reported.
  report = await importFile(operator, 'contribuenti', 'con-errori.csv', bad, true, 'Completata');
  const again = plain(await report.getByTestId('import-counts').textContent());
  assert.match(again, /Non valide\s*1\b/);
  await operator.audit('import with invalid rows skipped');

  // The list of past imports, newest first, with each report.
  const list = page.getByRole('table', { name: 'Importazioni, dalla più recente' });
  await list.getByRole('row').nth(3).waitFor();
  await list.getByRole('button', { name: 'Rapporto di contribuenti.csv' }).click();
  await page.getByTestId('import-report').filter({ hasText: 'Rapporto: contribuenti.csv' }).waitFor();
  await operator.audit('imports (past report)');
  writeFileSync(join(TMP, 'done'), '');
});

test('a citizen turns off SMS payment reminders in La mia posizione', async () => {
  const { page } = citizen;
  await page.goto(`${server.url}/area-personale/posizione`);
  await titled(citizen, 'La mia posizione');
  const section = page.getByRole('region', { name: 'Promemoria di pagamento' });
  // By keyboard (focus, Space), as the other tests set checkboxes.
  const sms = section.getByLabel('SMS', { exact: true });
  assert.equal(await sms.isChecked(), true);
  await sms.focus();
  await page.keyboard.press('Space');
  assert.equal(await sms.isChecked(), false);
  await section.getByRole('button', { name: 'Salva i promemoria' }).click();
  await section.getByText('Preferenze dei promemoria salvate.').waitFor();
  await citizen.audit('La mia posizione (payment reminders)');
  const mine = await token(mario);
  assert.deepEqual(await api('/me/reminder-preferences', mine), { email: true, sms: false, app_io: true });
  // Back as it was, for whatever runs next on the demo account.
  const res = await fetch(`${server.url}/api/v1/me/reminder-preferences`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${mine}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: true, sms: true, app_io: true }),
  });
  assert.equal(res.status, 200);
});

test('no console error, and every page visited passed axe', () => {
  for (const who of [citizen, operator, visitor]) {
    assert.deepEqual(who.unexpected(), [], who.label);
    who.assertAllAudited();
  }
});
