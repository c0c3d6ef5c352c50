// The public content in the browser, against the demo seed: (a) a visitor at 360 px opens
// "Trasparenza rifiuti" from the portal's footer (its own app), reads the sections through
// the page index, the separate-collection chart with its data table and the compliance
// table of the previous year (and another year from the select); (b) searches the
// Riciclabolario as they type, with a typo ("botiglia"), and gets "Nessun rifiuto trovato"
// for nonsense; (c) a citizen typing a request's subject is shown an answer that already
// exists, says it solved the question and is told no request is needed; (d) both pages in
// English. axe on every page, as everywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, person, open, titled, screenshots, VIEWPORTS, ROOT } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';

let server, browser, visitor, citizen, english;

before(async () => {
  server = await startServer();
  browser = await launch();
  visitor = await person(browser, 'visitor');
  citizen = await person(browser, 'citizen');
  english = await person(browser, 'english visitor');
});

after(async () => {
  try {
    for (const who of [visitor, citizen, english]) {
      if (!who) continue;
      who.assertAllAudited();
      assert.deepEqual(who.unexpected(), [], `${who.label}: unexpected console errors`);
    }
  } finally {
    // Even when a check above fails, or the runner would wait on the open browser.
    await browser?.close();
    await server?.stop();
  }
});

const api = (path) => `${server.url}/api/v1${path}`;

/** gzip -9 bytes of what a first load needs, as scripts/build-web.sh reports them. */
function firstLoad(app) {
  const dist = process.env.SPORTELLO_WEB_DIR || join(ROOT, 'dist');
  const files = ['index.html', 'boot.js', `${app}.js`, `${app}_bg.wasm`, 'bootstrap-italia/css/bootstrap-italia.min.css', 'app.css'];
  return files.reduce((n, f) => n + execFileSync('gzip', ['-9c', join(dist, f)], { maxBuffer: 64 << 20 }).length, 0);
}

/** The year whose compliance is published: the previous one (Rome). */
function previousYear() {
  return Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric' }).format(new Date())) - 1;
}

test('the portal and the waste pages each load within 400 KiB gzip', () => {
  for (const app of ['sportello', 'waste']) {
    const bytes = firstLoad(app);
    assert.ok(bytes <= 400 * 1024, `${app} first load: ${bytes} B`);
  }
});

test('(a) a visitor reads Trasparenza rifiuti at 360 px', async () => {
  const { page } = visitor;
  await page.setViewportSize(VIEWPORTS.phone);
  // From the portal's footer: a full page load into the waste app.
  await open(visitor, server.url, '/');
  await visitor.audit('home');
  await page.locator('footer').getByRole('link', { name: 'Trasparenza rifiuti' }).click();
  await page.waitForURL(/\/trasparenza$/);
  await titled(visitor, 'Trasparenza rifiuti');
  const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname));
  assert.ok(loaded.includes('/waste_bg.wasm') && !loaded.includes('/sportello_bg.wasm'), `the waste app alone: ${loaded}`);

  // The index lists every item of TITR art. 3.1, h and v included, in the letters' order.
  const index = page.locator('[data-element="page-index"] a');
  await index.first().waitFor();
  const entries = (await index.allTextContents()).map((s) => s.trim());
  assert.ok(entries.length >= 14, `index: ${entries}`);
  const letters = entries.map((e) => e.split(')')[0]);
  assert.deepEqual(letters, [...letters].sort(), `index order: ${letters}`);
  assert.ok(entries.some((e) => e.startsWith('h) Percentuale di raccolta differenziata')), `index: ${entries}`);
  assert.ok(entries.some((e) => e.startsWith('v) Standard generali di qualità e grado di rispetto')), `index: ${entries}`);
  await page.getByRole('heading', { level: 2, name: /Gestori del servizio e recapiti/ }).waitFor();
  // Every item has its text in the demo (no "in aggiornamento").
  const sections = page.locator('section.it-page-section');
  assert.equal(await sections.count(), entries.length);
  assert.equal(await page.getByText('Informazione in aggiornamento.').count(), 0, 'an item without text');
  // The desks with their weekly hours (item b).
  await page.getByRole('heading', { name: 'Sportelli e orari di apertura' }).waitFor();
  await visitor.audit('transparency');

  // The index moves the focus to the item.
  await index.filter({ hasText: 'Percentuale di raccolta differenziata' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'h-raccolta-differenziata');

  // h) the chart (an image named by its figures) and its data table: three years, oldest
  // first, in Italian figures ("67,4 %").
  const chart = page.getByTestId('collection-chart').getByRole('img');
  const name = await chart.getAttribute('aria-label');
  assert.match(name, /Grafico a barre della raccolta differenziata: \d{4} \d+,\d\u00a0%; \d{4} \d+,\d\u00a0%; \d{4} \d+,\d\u00a0%\./, name);
  const rows = page.getByTestId('collection-table').locator('tbody tr');
  assert.equal(await rows.count(), 3);
  const years = (await rows.locator('th').allTextContents()).map(Number);
  assert.deepEqual(years, [...years].sort(), `oldest first: ${years}`);
  assert.equal(years[2], previousYear());
  for (const cell of await rows.locator('td').allTextContents()) assert.match(cell, /^\d{1,3},\d\u00a0%$/);

  // v) the compliance of the previous year, with a line per kind and the total.
  const compliance = page.getByTestId('compliance-table');
  await compliance.locator('caption', { hasText: `Grado di rispetto degli standard nel ${previousYear()}` }).waitFor();
  assert.ok((await compliance.locator('tbody tr').count()) >= 1);
  await compliance.locator('tfoot th', { hasText: 'Totale' }).waitFor();
  const select = page.getByLabel('Anno di riferimento');
  if (await select.count()) {
    const options = await select.locator('option').allTextContents();
    assert.equal(options[0], String(previousYear()), `newest first: ${options}`);
    if (options.length > 1) {
      await select.selectOption(options[1]);
      await page
        .locator(`[data-testid="compliance-table"] caption:has-text("nel ${options[1]}"), :text("Nessun dato per l'anno scelto.")`)
        .first()
        .waitFor();
      await visitor.audit('transparency (another year)');
      await select.selectOption(options[0]);
      await compliance.locator('caption', { hasText: `nel ${previousYear()}` }).waitFor();
    }
  }
  await screenshots(visitor, 'transparency');

  // An item's own address is the same page at that item.
  await open(visitor, server.url, '/trasparenza/tariffe');
  await page.waitForFunction(() => document.activeElement?.id === 'h-tariffe');
  await visitor.audit('transparency (at an item)');
});

test('(b) the Riciclabolario: A–Z, search as you type with a typo, nothing found', async () => {
  const { page } = visitor;
  await page.setViewportSize(VIEWPORTS.phone);
  await open(visitor, server.url, '/riciclabolario');
  await titled(visitor, 'Riciclabolario');
  const count = page.getByTestId('waste-count');
  // Empty field: every item, A–Z, under its letter.
  await count.filter({ hasText: /^\d+ rifiuti in ordine alfabetico$/ }).waitFor();
  const all = Number((await count.textContent()).split(' ')[0]);
  // As many as the API lists (the demo's 153, plus what other test files added).
  const listed = await (await fetch(api('/public/riciclabolario'))).json();
  assert.ok(listed.length >= 153, `${listed.length} items`);
  assert.equal(all, listed.length, await count.textContent());
  await page.getByRole('heading', { level: 2, name: 'B', exact: true }).waitFor();
  await visitor.audit('riciclabolario (A–Z)');

  // Typing, with a typo: results as one types, the count in a live region.
  const field = page.getByLabel('Cerca un rifiuto');
  await field.pressSequentially('botiglia', { delay: 40 });
  const card = page.getByTestId('waste-item').filter({ has: page.getByRole('heading', { name: 'Bottiglia di plastica' }) });
  await card.waitFor();
  assert.match(await card.textContent(), /Plastica e metalli/);
  assert.match(await count.textContent(), /^\d+ rifiut[oi] trovat[oi]$/);
  assert.equal(await count.getAttribute('aria-live'), 'polite');
  const first = await page.getByTestId('waste-item').first().getByRole('heading').textContent();
  assert.match(first, /Bottiglia/, `best match first: ${first}`);
  await visitor.audit('riciclabolario (results)');
  await screenshots(visitor, 'riciclabolario');

  // Nothing found: the message and the way to ask the office.
  await field.fill('zzqxwv');
  await page.getByRole('heading', { name: 'Nessun rifiuto trovato' }).waitFor();
  await page.getByRole('link', { name: "Scrivi all'ufficio" }).waitFor();
  await visitor.audit('riciclabolario (nothing found)');
});

test('(c) in the wizard, an answer that already exists spares the request', async () => {
  const { page } = citizen;
  await page.setViewportSize(VIEWPORTS.phone);
  const who = account(server.demo, 'citizen');
  await open(citizen, server.url, '/accedi');
  await citizen.audit('login');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(who.username);
  await page.getByLabel('Password *', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/accedi'));
  await page.locator('#page-title').waitFor();
  citizen.skipAudit(new URL(page.url()).pathname);

  const types = await (await fetch(api('/request-types'))).json();
  assert.ok(types.length > 0);
  await open(citizen, server.url, `/nuova-richiesta?tipo=${encodeURIComponent(types[0].code)}`);
  await titled(citizen, types[0].name);
  const consent = page.getByLabel("Ho letto e compreso l'informativa sulla privacy");
  await consent.focus();
  await page.keyboard.press('Space');
  assert.ok(await consent.isChecked());
  await citizen.audit('wizard: privacy');
  await page.getByRole('button', { name: 'Avanti' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'step-title');
  await page.getByRole('button', { name: 'Avanti' }).click();
  const subject = page.getByLabel('Oggetto *', { exact: true });
  await subject.waitFor();
  await subject.pressSequentially('Come pago la TARI?', { delay: 30 });

  const answers = page.getByTestId('answers');
  await answers.getByRole('heading', { name: "Hai una domanda? Forse la risposta c'è già" }).waitFor();
  const found = answers.getByRole('heading', { level: 4 });
  await found.first().waitFor();
  const n = await found.count();
  assert.ok(n >= 1 && n <= 3, `${n} answers`);
  assert.match((await found.allTextContents()).join(' | '), /pag/i);
  await citizen.audit('wizard: answers');
  await screenshots(citizen, 'wizard-answers');

  await answers.getByRole('button', { name: 'Sì, ho risolto' }).first().click();
  const done = answers.getByRole('status').filter({ hasText: 'Bene! Non serve presentare la richiesta.' });
  await done.waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'answers-solved');
  await done.getByRole('link', { name: 'Home' }).waitFor();
  // Filing stays possible.
  assert.ok(await page.getByRole('button', { name: 'Avanti' }).isEnabled());
  await citizen.audit('wizard: answer solved');
});

test('(d) both pages in English', async () => {
  const { page } = english;
  await page.setViewportSize(VIEWPORTS.phone);
  await open(english, server.url, '/riciclabolario');
  await english.audit('riciclabolario (Italian, before switching)');
  await page.getByRole('button', { name: /English/ }).click();
  await titled(english, 'Waste sorting guide');
  await page.getByTestId('waste-count').filter({ hasText: /items in alphabetical order$/ }).waitFor();
  await page.getByLabel('Search for an item').pressSequentially('botiglia', { delay: 40 });
  const card = page.getByTestId('waste-item').filter({ has: page.getByRole('heading', { name: 'Bottiglia di plastica' }) });
  await card.waitFor();
  assert.match(await card.textContent(), /Plastic and metals/);
  await page.getByTestId('waste-count').filter({ hasText: /items? found$/ }).waitFor();
  await english.audit('riciclabolario (English)');

  await open(english, server.url, '/trasparenza');
  await titled(english, 'Waste transparency');
  await page.getByRole('heading', { level: 2, name: /Separate collection rate/ }).waitFor();
  const cells = await page.getByTestId('collection-table').locator('tbody td').allTextContents();
  for (const cell of cells) assert.match(cell, /^\d{1,3}\.\d%$/);
  await page.getByTestId('compliance-table').locator('caption', { hasText: `Compliance with the standards in ${previousYear()}` }).waitFor();
  await english.audit('transparency (English)');
});
