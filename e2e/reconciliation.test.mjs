// Reconciliation of pagoPA payments in the console. An operator opens "Rendicontazione
// pagoPA", uploads a broken file (refused, the reason shown, nothing listed), then a
// Flusso di Rendicontazione whose payments the Comune does not know: the report counts them
// as "IUV sconosciuto" line by line with their badges; records the bank statement line of
// the transfer with a different amount ("Importo diverso", the difference shown), then the
// right one ("Importo corrispondente"); downloads the CSV; finds the flow in the list and
// opens it again; and sees that no receipt is waiting to be reported. Then the demo
// taxpayer pays a notice at the local pagoPA, the receipt is applied, and the PSP's flow
// reporting it reads "Riconciliato" (and takes it off the receipts waiting for a flow).
// axe on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';

let server, browser, operator;
const TMP = mkdtempSync(join(tmpdir(), 'sportello-e2e-reconciliation-'));

before(async () => {
  server = await startServer();
  browser = await launch();
  operator = await person(browser, 'operator');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The demo Comune's creditor code on pagoPA (crates/api/src/seed.rs): flows are addressed to it. */
const CREDITOR = '00123450678';

/** A FlussoRiversamento 1.0.4 with these single payments. */
function flowXml(flowId, payments) {
  const total = payments.reduce((n, p) => n + p.cents, 0);
  const euro = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
  const lines = payments
    .map(
      (p, i) => `<datiSingoliPagamenti>
  <identificativoUnivocoVersamento>${p.iuv}</identificativoUnivocoVersamento>
  <identificativoUnivocoRiscossione>${p.iur}</identificativoUnivocoRiscossione>
  <indiceDatiSingoloPagamento>1</indiceDatiSingoloPagamento>
  <singoloImportoPagato>${euro(p.cents)}</singoloImportoPagato>
  <codiceEsitoSingoloPagamento>0</codiceEsitoSingoloPagamento>
  <dataEsitoSingoloPagamento>2026-11-2${i + 6}</dataEsitoSingoloPagamento>
</datiSingoliPagamenti>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<FlussoRiversamento xmlns="http://www.digitpa.gov.it/schemas/2011/Pagamenti/">
<versioneOggetto>1.0</versioneOggetto>
<identificativoFlusso>${flowId}</identificativoFlusso>
<dataOraFlusso>2026-11-30T10:15:00</dataOraFlusso>
<identificativoUnivocoRegolamento>SCT-E2E-0001</identificativoUnivocoRegolamento>
<dataRegolamento>2026-11-30</dataRegolamento>
<istitutoMittente><identificativoUnivocoMittente><tipoIdentificativoUnivoco>B</tipoIdentificativoUnivoco>
<codiceIdentificativoUnivoco>BCITITMM</codiceIdentificativoUnivoco></identificativoUnivocoMittente>
<denominazioneMittente>Banca Esempio</denominazioneMittente></istitutoMittente>
<istitutoRicevente><identificativoUnivocoRicevente><tipoIdentificativoUnivoco>G</tipoIdentificativoUnivoco>
<codiceIdentificativoUnivoco>${CREDITOR}</codiceIdentificativoUnivoco></identificativoUnivocoRicevente></istitutoRicevente>
<numeroTotalePagamenti>${payments.length}</numeroTotalePagamenti>
<importoTotalePagamenti>${euro(total)}</importoTotalePagamenti>
${lines}
</FlussoRiversamento>`;
}

async function upload(who, name, text) {
  const { page } = who;
  await page
    .getByLabel('File del flusso (XML) *', { exact: true })
    .setInputFiles({ name, mimeType: 'application/xml', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: 'Importa il flusso', exact: true }).click();
}

test('an operator uploads a flow, reads its report, checks the bank line and downloads the CSV', async () => {
  const { page } = operator;
  const acc = account(server.demo, 'operator', /tributi/);
  await open(operator, server.url, '/console/accedi');
  await titled(operator, 'Accesso operatori');
  await operator.audit('console login');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.waitForURL(/\/console$/);
  await titled(operator, 'Coda delle pratiche');
  await operator.audit('console queue');

  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  await nav.getByRole('link', { name: 'Rendicontazione pagoPA' }).click();
  await titled(operator, 'Rendicontazione pagoPA');
  await page.getByText('Nessun flusso importato.').waitFor();
  await page.getByTestId('recon-missing-empty').waitFor();
  await operator.audit('reconciliation (empty)');

  // A file that is not a flow: refused with the reason, nothing stored.
  operator.allow(/status of 422/, 2);
  await upload(operator, 'rotto.xml', '<FlussoRiversamento><identificativoFlusso>');
  const refused = page.getByTestId('recon-upload-error');
  await refused.waitFor();
  assert.match(await refused.textContent(), /non è un XML valido/);
  await operator.audit('reconciliation (refused file)');

  // A flow of two payments the Comune has no notice for.
  const flowId = '2026-11-30BCITITMM-E2E1';
  const xml = flowXml(flowId, [
    { iuv: '99000000000000011', iur: 'IUR-E2E-1', cents: 12000 },
    { iuv: '99000000000000022', iur: 'IUR-E2E-2', cents: 3050 },
  ]);
  await upload(operator, 'flusso.xml', xml);
  const report = page.getByTestId('recon-report');
  await report.getByRole('heading', { name: `Flusso ${flowId}` }).waitFor();
  assert.equal(await report.getByTestId('recon-count-unknown_iuv').textContent(), '2');
  assert.equal(await report.getByTestId('recon-count-matched').textContent(), '0');
  assert.match(await report.textContent(), /150,50/);
  const lines = report.getByRole('table', { name: "Pagamenti del flusso con l'esito del confronto" });
  assert.equal(await lines.getByRole('row').filter({ hasText: 'IUV sconosciuto' }).count(), 2);
  assert.equal(await lines.getByRole('row').filter({ hasText: 'IUR-E2E-2' }).filter({ hasText: '30,50' }).count(), 1);
  await page.getByTestId('recon-bank').filter({ hasText: 'Nessuna riga registrata.' }).waitFor();
  await operator.audit('reconciliation report');
  await screenshots(operator, 'console-reconciliation-report');

  // The bank statement line: a different amount, then the flow's total.
  await page.getByLabel('Causale *', { exact: true }).fill(`/PUR/LGPE-RIVERSAMENTO/URI/${flowId}`);
  await page.getByLabel('Importo accreditato (€) *', { exact: true }).fill('150,00');
  await page.getByLabel("Data dell'accredito", { exact: true }).fill('2026-12-01');
  await page.getByRole('button', { name: 'Registra e verifica', exact: true }).click();
  const bank = page.getByTestId('recon-bank');
  await bank.filter({ hasText: 'Importo diverso' }).waitFor();
  assert.match(await bank.textContent(), /Differenza rispetto al flusso: -0,50/);
  await operator.audit('reconciliation bank line (mismatch)');
  await page.getByLabel('Causale *', { exact: true }).fill(`/PUR/LGPE-RIVERSAMENTO/TXT/00001/URI/${flowId}`);
  await page.getByLabel('Importo accreditato (€) *', { exact: true }).fill('150,50');
  await page.getByRole('button', { name: 'Registra e verifica', exact: true }).click();
  await bank.filter({ hasText: 'Importo corrispondente' }).waitFor();
  await operator.audit('reconciliation bank line (matched)');

  // The CSV: one row per single payment.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    report.getByRole('button', { name: 'Scarica il rapporto (CSV)' }).click(),
  ]);
  const csv = join(TMP, 'rendicontazione.csv');
  await download.saveAs(csv);
  const rows = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(rows.length, 3, rows.join('\n'));
  assert.match(rows[1], new RegExp(`^${flowId};1;99000000000000011;IUR-E2E-1;1;120,00;0;2026-11-26;unknown_iuv;`));

  // The list: the flow with its outcome and the bank check; its report opens again.
  const list = page.getByRole('table', { name: 'Flussi di rendicontazione, dal più recente' });
  const row = list.getByRole('row').filter({ hasText: flowId });
  await row.filter({ hasText: 'Importo corrispondente' }).waitFor();
  assert.match(await row.textContent(), /2 Da verificare/);
  await row.getByRole('button', { name: `Apri il rapporto del flusso ${flowId}` }).click();
  await report.getByRole('heading', { name: `Flusso ${flowId}` }).waitFor();
  await operator.audit('reconciliation (list and report)');

  // The same file again is refused: the flow is already imported.
  await upload(operator, 'flusso.xml', xml);
  await page.getByRole('alert').filter({ hasText: /già stato importato/ }).waitFor();
  operator.allow(/status of 409/, 1);
  await operator.audit('reconciliation (duplicate)');
});

async function apiAs(acc, path, init = {}) {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: acc.username, password: acc.password }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  const { access_token: token } = await login.json();
  const res = await fetch(`${server.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

test("the demo taxpayer's pagoPA payment is reconciled against the PSP's flow", async () => {
  const { page } = operator;
  // The payment to reconcile: Mario's receipt from pagoPA Checkout when payments.test.mjs
  // ran first on this server (the same payment, as in a real day), else a notice he pays
  // now at the local pagoPA (as a PSP would), the GPD worker applying the receipt (it reads
  // the positions every second here). Either way only the avviso ordinario is paid: the
  // ingiunzione and the rest stay for the plan simulator and the desk payment of
  // taxpayer.test.mjs.
  const mario = account(server.demo, 'citizen');
  const { items: notices } = await apiAs(mario, '/me/notices');
  let receipt = (await apiAs(mario, '/me/receipts')).items[0];
  let target = receipt && notices.find((n) => n.nav === receipt.nav);
  if (!target) {
    const { acts } = await apiAs(mario, '/me/statement');
    const ordinary = acts.find((a) => a.kind === 'avviso_ordinario');
    target = notices
      .filter((n) => n.status === 'unpaid' && n.act_id === ordinary.id)
      .sort((a, b) => b.due_date.localeCompare(a.due_date))[0];
    assert.ok(target, 'the demo taxpayer has an unpaid notice on the avviso ordinario');
    const paid = await fetch(`${server.demo.pagopa}/_test/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ org: CREDITOR, iuv: target.iuv }),
    });
    assert.equal(paid.status, 200, await paid.text());
    for (let i = 0; i < 300 && !receipt; i += 1) {
      receipt = (await apiAs(mario, '/me/receipts')).items.find((r) => r.nav === target.nav);
      if (!receipt) await new Promise((r) => setTimeout(r, 100));
    }
  }
  assert.ok(receipt, 'the receipt was never applied');

  // Without a flow, it would be missing once three working days have passed.
  const later = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
  const op = account(server.demo, 'operator', /tributi/);
  const before = await apiAs(op, `/reconciliation/missing?as_of=${later}`);
  assert.ok(JSON.stringify(before).includes(receipt.receipt_id), JSON.stringify(before));

  // The PSP's flow reports it (transfer 1, the whole amount: the demo has no TEFA set).
  const flowId = '2026-12-01BCITITMM-E2E2';
  await page.getByRole('navigation', { name: 'Navigazione della console' }).getByRole('link', { name: 'Rendicontazione pagoPA' }).click();
  await titled(operator, 'Rendicontazione pagoPA');
  await upload(operator, 'flusso-mario.xml', flowXml(flowId, [{ iuv: target.iuv, iur: receipt.receipt_id, cents: receipt.amount }]));
  const report = page.getByTestId('recon-report');
  await report.getByRole('heading', { name: `Flusso ${flowId}` }).waitFor();
  assert.equal(await report.getByTestId('recon-count-matched').textContent(), '1');
  const lines = report.getByRole('table', { name: "Pagamenti del flusso con l'esito del confronto" });
  assert.equal(await lines.getByRole('row').filter({ hasText: receipt.receipt_id }).filter({ hasText: 'Riconciliato' }).count(), 1);
  await operator.audit('reconciliation report (matched)');
  // Reported: it is not among the receipts waiting for a flow, whatever the day.
  const missing = await apiAs(op, `/reconciliation/missing?as_of=${later}`);
  assert.ok(!JSON.stringify(missing).includes(receipt.receipt_id), JSON.stringify(missing));
  await screenshots(operator, 'console-reconciliation-matched');
});

test('no console error, and every page visited passed axe', () => {
  assert.deepEqual(operator.unexpected(), [], operator.label);
  operator.assertAllAudited();
});
