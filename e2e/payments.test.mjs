// Paying with pagoPA in the browser, against the local pagoPA (scripts/fakes/pagopa.py,
// GPD and Checkout; e2e/lib/server.mjs starts it and sets the demo Comune up against it).
// The demo citizen opens "Pagamenti e avvisi" (sent to sign in and back): the notices the
// API lists, each with its numero avviso in groups of four, amount, due date and state;
// downloads a notice PDF (pdftotext shows the numero avviso); checks numbers in "Verifica
// un pagamento" (wrong check digits refused in the browser with the domain's message, a
// number of nobody's "not found", the citizen's own with its state); presses "Paga con
// pagoPA", cancels on the local Checkout and comes back to "Pagamento annullato", tries
// again and pays: back on the notice page "Pagamento riuscito", then — once the server's
// GPD worker has read the receipt from GPD — paid, with the receipt to download (its
// pdftotext shows the receipt id). La mia posizione offers "Paga con pagoPA" beside the
// instalments still to pay, and not beside the paid one. The operator sees the notice paid
// on the contribuente's file, downloads its PDF, and verifies it by number on Contribuenti.
// English once. axe on every page at 1280 and 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';

let server, browser, citizen, operator, mario, paid;
const TMP = mkdtempSync(join(tmpdir(), 'sportello-e2e-payments-'));
const CREDITOR = '00123450678'; // the demo Comune's codice fiscale, its creditor code

before(async () => {
  server = await startServer();
  assert.ok(server.demo.pagopa, 'the server was not started with the local pagoPA');
  browser = await launch();
  citizen = await person(browser, 'citizen');
  operator = await person(browser, 'operator');
  mario = account(server.demo, 'citizen');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

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

async function api(path, acc) {
  const res = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${await token(acc)}` } });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Cents as the pages write them: `1.234,56 €`. */
function eur(cents) {
  const euros = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${euros},${String(cents % 100).padStart(2, '0')} €`;
}

/** `2026-12-31` as `31/12/2026`. */
const day = (iso) => iso.split('-').reverse().join('/');

/** The numero avviso in groups of four, as printed. */
const printed = (nav) => nav.replace(/(\d{4})(?=\d)/g, '$1 ');

/** A numero avviso with aux digit 3 and valid check digits (the prefix mod 93). */
function validNav(prefix16) {
  return prefix16 + String(BigInt(prefix16) % 93n).padStart(2, '0');
}

/** Text with every kind of space made one plain space. */
const plain = (s) => s.replace(/\s+/g, ' ');

function pdfText(path) {
  assert.ok(readFileSync(path).subarray(0, 5).equals(Buffer.from('%PDF-')), 'not a PDF');
  return plain(execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }));
}

async function signIn(who, acc) {
  const { page } = who;
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
}

/** Waits until the server's GPD worker has published the demo's debt positions. */
async function published(count) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const positions = await (await fetch(`${server.demo.pagopa}/_test/positions?org=${CREDITOR}`)).json();
    if (positions.length >= count && positions.every((p) => p.status !== 'DRAFT')) return positions;
    assert.ok(Date.now() < deadline, `debt positions not published: ${JSON.stringify(positions)}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

/** The local Checkout's page (another site: not ours to audit). */
async function atCheckout(who) {
  const { page } = who;
  await page.waitForURL((u) => u.href.startsWith(`${server.demo.pagopa}/checkout/pay/`));
  await page.getByRole('heading', { name: 'pagoPA Checkout' }).waitFor();
  await page.getByText('Piattaforma di test locale').waitFor();
  who.skipAudit(new URL(page.url()).pathname);
}

test('a citizen sees the notices, checks a number, and pays one through the local Checkout', async () => {
  const { page } = citizen;
  const wasm = [];
  page.on('request', (r) => {
    if (r.url().includes('.wasm')) wasm.push(new URL(r.url()).pathname);
  });
  await page.goto(`${server.url}/area-personale/avvisi`);
  await page.waitForURL(/\/accedi\?next=%2Farea-personale%2Favvisi$/);
  citizen.skipAudit('/area-personale/avvisi'); // passed through before signing in; audited below
  await titled(citizen, 'Accedi');
  await citizen.audit('login (to Pagamenti e avvisi)');
  await signIn(citizen, mario);
  await page.waitForURL(/\/area-personale\/avvisi$/);
  await titled(citizen, 'Pagamenti e avvisi');
  assert.ok(wasm.includes('/account_bg.wasm'), `the account app was not loaded: ${wasm}`);

  // The notices the API lists, as the citizen reads them.
  const { items: notices } = await api('/me/notices', mario);
  const unpaid = notices.filter((n) => n.status === 'unpaid');
  assert.ok(unpaid.length >= 2, `the demo taxpayer should have notices to pay: ${JSON.stringify(notices)}`);
  const cards = page.getByTestId('notice');
  await cards.first().waitFor();
  assert.equal(await cards.count(), notices.length);
  for (const n of notices) {
    const text = plain(await page.locator(`[data-testid=notice][data-nav="${n.nav}"]`).textContent());
    assert.ok(text.includes(printed(n.nav)), `${printed(n.nav)} not in "${text}"`);
    assert.ok(text.includes(plain(eur(n.amount))), `${eur(n.amount)} not in "${text}"`);
    assert.ok(text.includes(day(n.due_date)), `${day(n.due_date)} not in "${text}"`);
    if (n.status === 'unpaid') assert.match(text, /Da pagare/);
  }
  await page.getByRole('table', { name: 'Ricevute dei pagamenti pagoPA' }).or(page.getByText('Nessuna ricevuta di pagamenti pagoPA.')).first().waitFor();
  await citizen.audit('Pagamenti e avvisi');
  await screenshots(citizen, 'payments');

  // The notice to pay: the avviso ordinario's overdue instalment (the ingiunzione is left
  // for the plan simulator of taxpayer.test.mjs).
  const statement = await api('/me/statement', mario);
  const ordinary = statement.acts.find((a) => a.kind === 'avviso_ordinario');
  const target = unpaid.filter((n) => n.act_id === ordinary.id).sort((a, b) => a.due_date.localeCompare(b.due_date))[0];
  assert.ok(target, 'no unpaid notice on the avviso ordinario');
  const card = page.locator(`[data-testid=notice][data-nav="${target.nav}"]`);
  assert.match(plain(await card.getByRole('heading').textContent()), new RegExp(`^Rata ${target.instalment} – Avviso di pagamento ordinario`));

  // Its PDF: the numero avviso as printed.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    card.getByRole('button', { name: /^Scarica l'avviso \(PDF\)/ }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `avviso-${target.nav}.pdf`);
  await download.saveAs(join(TMP, 'avviso.pdf'));
  const notice = pdfText(join(TMP, 'avviso.pdf'));
  assert.ok(notice.includes(printed(target.nav)), `${printed(target.nav)} not in the notice PDF`);
  assert.match(notice, /Quanto e quando pagare\?/i);

  // "Verifica un pagamento": wrong check digits are refused in the browser, with the domain's
  // message under the field (no call: no 422 in the console).
  const verify = page.locator('section[aria-labelledby=verify-title]');
  const field = verify.getByLabel('Codice avviso *', { exact: true });
  const last = target.nav.at(-1);
  const wrong = target.nav.slice(0, -1) + (last === '9' ? '0' : String(Number(last) + 1));
  await field.fill(printed(wrong));
  await verify.getByRole('button', { name: 'Verifica' }).click();
  const message = verify.locator('.invalid-feedback');
  await message.waitFor();
  assert.match(plain(await message.textContent()), /Le ultime due cifre del codice avviso \(di controllo\) non corrispondono alle altre/);
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  await citizen.audit('verify (wrong check digits)');
  await field.fill('12345');
  await verify.getByRole('button', { name: 'Verifica' }).click();
  await verify.getByText('Il codice avviso ha 18 cifre: ne sono state inserite 5').waitFor();

  // A well-formed number that is nobody's: not found (the API's 404, which the browser logs).
  citizen.allow(/status of 404/);
  await field.fill(printed(validNav('3019999999999999')));
  await verify.getByRole('button', { name: 'Verifica' }).click();
  await verify.getByTestId('verify-result').getByText(/Nessun avviso intestato a te ha questo codice avviso/).waitFor();
  await citizen.audit('verify (not found)');

  // The citizen's own, typed with spaces: its state.
  await field.fill(printed(target.nav));
  await verify.getByRole('button', { name: 'Verifica' }).click();
  const result = verify.getByTestId('verify-result');
  await result.getByText(`Avviso ${printed(target.nav)}`).waitFor();
  assert.match(plain(await result.textContent()), /Da pagare/);
  await citizen.audit('verify (found)');

  // "Paga con pagoPA", once the debt positions are on GPD: the local Checkout. Cancel first.
  await published(statement.acts.length);
  await card.getByRole('button', { name: /^Paga con pagoPA/ }).click();
  await atCheckout(citizen);
  assert.match(plain(await page.locator('body').textContent()), new RegExp(`${target.nav}.*${plain(eur(target.amount))}`));
  await page.getByRole('button', { name: 'Annulla', exact: true }).click();
  await page.waitForURL(new RegExp(`/area-personale/avvisi/${target.nav}\\?esito=annullato$`));
  await titled(citizen, `Avviso di pagamento ${printed(target.nav)}`);
  const outcome = page.getByTestId('outcome');
  await outcome.getByText('Pagamento annullato').waitFor();
  assert.match(plain(await outcome.textContent()), /non ti è stato addebitato nulla/);
  await citizen.audit('notice (payment cancelled)');
  await screenshots(citizen, 'notice-cancelled');

  // Again, and pay.
  await page.getByRole('button', { name: /^Paga con pagoPA/ }).click();
  await atCheckout(citizen);
  await page.getByRole('button', { name: 'Paga', exact: true }).click();
  await page.waitForURL(new RegExp(`/area-personale/avvisi/${target.nav}\\?esito=ok$`));
  await outcome.getByText('Pagamento riuscito').waitFor();
  assert.match(plain(await outcome.textContent()), /La ricevuta compare qui e tra le ricevute appena pagoPA lo conferma/);
  await citizen.audit('notice (paid, as Checkout said)');

  // The GPD worker reads the receipt (every second here): paid, with the receipt.
  const receipt = page.getByTestId('notice-receipt');
  await receipt.waitFor({ timeout: 30000 });
  await outcome.getByText('pagoPA ha confermato il pagamento: la rata risulta pagata.').waitFor();
  const facts = plain(await page.locator('[data-testid=notice]').textContent());
  assert.match(facts, /Pagato/);
  assert.doesNotMatch(facts, /Da pagare/);
  assert.equal(await page.getByRole('button', { name: /^Paga con pagoPA/ }).count(), 0);
  const { items: receipts } = await api('/me/receipts', mario);
  const mine = receipts.find((r) => r.nav === target.nav);
  assert.ok(mine, 'no receipt for the paid notice');
  assert.equal(mine.amount, target.amount);
  assert.ok(plain(await receipt.textContent()).includes(mine.receipt_id));
  await citizen.audit('notice (receipt)');
  await screenshots(citizen, 'notice-paid');
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    receipt.getByRole('button', { name: /^Scarica la ricevuta/ }).click(),
  ]);
  await file.saveAs(join(TMP, 'ricevuta.pdf'));
  const text = pdfText(join(TMP, 'ricevuta.pdf'));
  assert.match(text, /Ricevuta di pagamento pagoPA/);
  assert.ok(text.includes(mine.receipt_id), 'the receipt id is not in the receipt PDF');
  assert.ok(text.includes(printed(target.nav)), 'the numero avviso is not in the receipt PDF');

  // The payment is on the books as pagoPA's, with the receipt id.
  const payments = await api('/me/payments', mario);
  assert.ok(payments.some((p) => p.channel === 'pagopa' && p.reference === mine.receipt_id && p.instalment === target.instalment));

  // Back to the list: the notice is paid, the receipt listed.
  await page.getByRole('link', { name: 'Torna a Pagamenti e avvisi' }).click();
  await titled(citizen, 'Pagamenti e avvisi');
  const table = page.getByRole('table', { name: 'Ricevute dei pagamenti pagoPA' });
  await table.getByRole('cell', { name: printed(target.nav), exact: true }).waitFor();
  assert.match(plain(await card.textContent()), /Pagato/);
  await citizen.audit('Pagamenti e avvisi (paid)');
  paid = target;
});

test('La mia posizione offers "Paga con pagoPA" beside the instalments still to pay', async () => {
  assert.ok(paid, 'the citizen paid nothing');
  const { page } = citizen;
  const nav = page.getByRole('navigation', { name: 'Sezioni di La mia posizione' });
  await nav.getByRole('link', { name: 'La mia posizione' }).click();
  await titled(citizen, 'La mia posizione');
  const act = page.getByTestId('statement-act').filter({ hasText: 'Avviso di pagamento ordinario' });
  await act.waitFor();
  const { items: notices } = await api('/me/notices', mario);
  const open = notices.filter((n) => n.status === 'unpaid');
  const buttons = page.getByRole('button', { name: /^Paga con pagoPA/ });
  await buttons.first().waitFor();
  assert.equal(await buttons.count(), open.length);
  const row = (n) => act.locator('tbody tr').filter({ has: page.locator(`td:first-child:text-is("${n}")`) });
  assert.equal(await row(paid.instalment).getByRole('button', { name: /^Paga con pagoPA/ }).count(), 0);
  for (const n of open.filter((x) => x.act_id === paid.act_id)) {
    await row(n.instalment).getByRole('button', { name: `Paga con pagoPA la rata ${n.instalment}` }).waitFor();
  }
  await citizen.audit('La mia posizione (with Paga con pagoPA)');
  await screenshots(citizen, 'my-account-pay');

  // English once: the payments page.
  await nav.getByRole('link', { name: 'Pagamenti e avvisi pagoPA' }).click();
  await titled(citizen, 'Pagamenti e avvisi');
  await page.getByRole('button', { name: /Lingua: English/ }).click();
  await titled(citizen, 'Payments and notices');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  const card = page.locator(`[data-testid=notice][data-nav="${paid.nav}"]`);
  assert.match(plain(await card.textContent()), /Instalment \d+ – .*Paid/);
  await page.getByRole('button', { name: /^Pay with pagoPA/ }).first().waitFor();
  await page.getByRole('heading', { name: 'Check a payment' }).waitFor();
  await citizen.audit('Payments and notices (English)');
  await page.getByRole('button', { name: /Language: Italiano/ }).click();
  await titled(citizen, 'Pagamenti e avvisi');
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

test('the operator sees the notice paid on the contribuente and verifies it by number', async () => {
  assert.ok(paid, 'the citizen paid nothing');
  const { page } = operator;
  await consoleLogin(operator, account(server.demo, 'operator', /tributi/));
  const menu = page.getByRole('navigation', { name: 'Navigazione della console' });
  await menu.getByRole('link', { name: 'Contribuenti' }).click();
  await titled(operator, 'Contribuenti');

  // "Verifica un pagamento" for any number of the Comune: wrong check digits, then the paid one.
  const verify = page.locator('section[aria-labelledby=verify-title]');
  const field = verify.getByLabel('Codice avviso *', { exact: true });
  await field.fill(paid.nav.slice(0, 16) + String((Number(paid.nav.slice(16)) + 1) % 100).padStart(2, '0'));
  await verify.getByRole('button', { name: 'Verifica' }).click();
  await verify.locator('.invalid-feedback').getByText(/non corrispondono alle altre/).waitFor();
  await operator.audit('console verify (wrong check digits)');
  await field.fill(paid.nav);
  await verify.getByRole('button', { name: 'Verifica' }).click();
  const result = verify.getByTestId('verify-result');
  await result.getByText(`Avviso ${printed(paid.nav)}`).waitFor();
  assert.match(plain(await result.textContent()), /Pagato/);
  await result.getByRole('link', { name: 'Apri la scheda del contribuente' }).waitFor();
  await operator.audit('console verify (paid)');
  await screenshots(operator, 'console-verify');

  // The contribuente's file: each act's notices, the paid one "Pagato".
  await result.getByRole('link', { name: 'Apri la scheda del contribuente' }).click();
  await titled(operator, 'Mario Rossi');
  const section = page.getByTestId('act-notices');
  const row = section.locator(`[data-testid=notice-row][data-nav="${paid.nav}"]`);
  await row.waitFor();
  const text = plain(await row.textContent());
  assert.ok(text.includes(printed(paid.nav)), text);
  assert.ok(text.includes(plain(eur(paid.amount))), text);
  assert.ok(text.includes(day(paid.due_date)), text);
  assert.match(text, /Pagato/);
  const { items: all } = await api(`/acts/${paid.act_id}/notices`, account(server.demo, 'operator', /tributi/));
  assert.ok(all.some((n) => n.nav === paid.nav && n.status === 'paid'));
  await operator.audit('taxpayer file (notices)');
  await screenshots(operator, 'taxpayer-notices');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('button', { name: /^Avviso PDF/ }).click(),
  ]);
  await download.saveAs(join(TMP, 'avviso-ufficio.pdf'));
  assert.ok(pdfText(join(TMP, 'avviso-ufficio.pdf')).includes(printed(paid.nav)));
});

test('no console error, and every page visited passed axe', () => {
  for (const who of [citizen, operator]) {
    assert.deepEqual(who.unexpected(), [], who.label);
    who.assertAllAudited();
  }
});
