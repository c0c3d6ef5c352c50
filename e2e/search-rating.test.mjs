// The site search and "Valuta questo servizio", in the browser against the demo seed:
// (a) the header's search link (on the home page at 1280 and 360 px) opens /cerca; a
// search shows the server's results grouped by kind in its order, a service's result
// leads to its scheda, Back brings the earlier search back with its words in the field,
// and words that match nothing say so with the ways out; (b) on a service's scheda the
// rating block asks the model's question, its follow-up depends on the stars, and once
// sent it thanks and goes away; (c) the booking's rating page (its confirmations link
// there), which refuses a page that has no rating; (d) the administrator reads those
// ratings, with their words, in the console's register. axe on every page, at both widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots, VIEWPORTS } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';

let server, browser, visitor, admin, types;
const stamp = `Modulo poco chiaro ${Date.now().toString(36)}`;

before(async () => {
  server = await startServer();
  browser = await launch();
  visitor = await person(browser, 'visitor');
  admin = await person(browser, 'admin');
  types = await (await fetch(`${server.url}/api/v1/request-types`)).json();
});

after(async () => {
  try {
    for (const who of [visitor, admin]) {
      if (!who) continue;
      who.assertAllAudited();
      assert.deepEqual(who.unexpected(), [], `${who.label}: unexpected console errors`);
    }
  } finally {
    await browser?.close();
    await server?.stop();
  }
});

const GROUP_ORDER = ['service', 'page', 'faq', 'document', 'riciclabolario'];

/** What the page shows: per group, its kind and the titles and links in order. */
async function shown(page) {
  return page.locator('main section[data-testid^="search-"]').evaluateAll((all) =>
    all.map((s) => ({
      kind: s.dataset.testid.replace('search-', ''),
      hits: [...s.querySelectorAll('[data-testid="search-hit"] a')].map((a) => [a.textContent.trim(), a.getAttribute('href')]),
    })),
  );
}

/** The API's answer, grouped as the page groups it. */
async function expected(q) {
  const res = await fetch(`${server.url}/api/v1/public/search?q=${encodeURIComponent(q)}`);
  assert.equal(res.status, 200);
  const { items } = await res.json();
  return GROUP_ORDER.map((kind) => ({
    kind,
    hits: items.filter((h) => h.kind === kind).map((h) => [h.title, h.url]),
  })).filter((g) => g.hits.length > 0);
}

test('(a) the header search link opens the site search; results grouped; Back keeps them', async () => {
  const { page } = visitor;
  const reclamo = types.find((t) => t.kind === 'reclamo');
  for (const size of Object.values(VIEWPORTS)) {
    await page.setViewportSize(size);
    await open(visitor, server.url, '/');
    const link = page.locator('header [data-element="search-modal-button"]');
    assert.ok(await link.isVisible(), `search link visible at ${size.width} px`);
    assert.equal(await link.getAttribute('aria-label'), 'Cerca nel sito');
    await visitor.audit(`home (${size.width} px)`);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
  await page.locator('header [data-element="search-modal-button"]').click();
  await page.waitForURL(/\/cerca$/);
  await titled(visitor, 'Cerca nel sito');
  await page.getByText('Scrivi una o più parole e premi Cerca.').waitFor();
  await visitor.audit('search (empty)');

  // A service by its name: grouped as the server ranks, the service among the services.
  const field = page.getByLabel('Cosa stai cercando?');
  await field.fill('reclamo');
  await page.getByRole('search').getByRole('button', { name: 'Cerca', exact: true }).click();
  await page.waitForURL(/\/cerca\?q=reclamo$/);
  const count = page.getByTestId('search-count');
  await count.filter({ hasText: /^\d+ risultat[oi] per «reclamo»$/ }).waitFor();
  assert.equal(await count.getAttribute('aria-live'), 'polite');
  const first = await expected('reclamo');
  assert.deepEqual(await shown(page), first);
  assert.equal(first[0].kind, 'service', 'services come first');
  const total = first.reduce((n, g) => n + g.hits.length, 0);
  assert.equal(Number((await count.textContent()).split(' ')[0]), total);
  const service = page.locator('[data-testid="search-service"] [data-element="service-link"]', { hasText: reclamo.name });
  assert.equal(await service.getAttribute('href'), `/servizi/${reclamo.code}`);
  await visitor.audit('search (results)');
  await screenshots(visitor, 'site-search');

  // A Riciclabolario word, then Back: the earlier search again, its words in the field.
  await field.fill('bottiglia');
  await field.press('Enter');
  await count.filter({ hasText: /per «bottiglia»$/ }).waitFor();
  const waste = await expected('bottiglia');
  assert.deepEqual(await shown(page), waste);
  assert.ok(waste.some((g) => g.kind === 'riciclabolario'), 'the Riciclabolario answers "bottiglia"');
  await visitor.audit('search (riciclabolario)');
  await page.goBack();
  await count.filter({ hasText: /per «reclamo»$/ }).waitFor();
  assert.equal(await field.inputValue(), 'reclamo');
  assert.deepEqual(await shown(page), first);

  // Nothing found: said so, with the ways out.
  await field.fill('zzqxwv');
  await field.press('Enter');
  await page.getByRole('heading', { name: 'Nessun risultato' }).waitFor();
  await page.getByRole('link', { name: "Scrivi all'ufficio" }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Vedi tutti i servizi' }).getAttribute('href'), '/servizi');
  await visitor.audit('search (nothing found)');

  // The service's result opens its scheda (the other app: a full load).
  await page.goBack();
  await service.click();
  await page.waitForURL(new RegExp(`/servizi/${reclamo.code}$`));
  await titled(visitor, reclamo.name);
  await visitor.audit('service page (from the search)');
});

test('(b) "Valuta questo servizio" on a scheda: stars, the follow-up for them, thanks', async () => {
  const { page } = visitor;
  const reclamo = types.find((t) => t.kind === 'reclamo');
  await page.setViewportSize(VIEWPORTS.phone);
  await open(visitor, server.url, `/servizi/${reclamo.code}`);
  await titled(visitor, reclamo.name);
  const block = page.locator('[data-element="feedback"]');
  assert.equal(
    (await block.locator('[data-element="feedback-title"]').textContent()).trim(),
    'Quanto sono utili le informazioni in questa pagina?',
  );
  for (let n = 1; n <= 5; n++) assert.equal(await block.locator(`[data-element="feedback-rate-${n}"]`).count(), 1);
  const send = block.getByRole('button', { name: 'Invia la valutazione' });
  assert.ok(await send.isDisabled(), 'nothing to send before the stars');

  // Five stars ask what went well; two ask where it was hard, and drop the earlier answers.
  await block.locator('label[for=rating-star-5]').click();
  const positive = block.locator('[data-element="feedback-rating-positive"]');
  await block.getByRole('group', { name: 'Quali sono stati gli aspetti che hai preferito?' }).waitFor();
  assert.equal(await positive.count(), 1);
  await positive.locator('label[for=rating-aspect-clear]').click();
  await block.locator('label[for=rating-star-2]').click();
  const negative = block.locator('[data-element="feedback-rating-negative"]');
  await negative.waitFor();
  assert.equal(await positive.count(), 0);
  assert.equal((await negative.locator('[data-element="feedback-rating-question"]').textContent()).trim(), 'Dove hai incontrato le maggiori difficoltà?');
  await negative.locator('label[for=rating-aspect-unclear]').click();
  assert.ok(await block.getByLabel('A volte le indicazioni non erano chiare').isChecked());
  await block.locator('[data-element="feedback-input-text"]').getByLabel('Vuoi aggiungere altri dettagli?').fill(stamp);
  await visitor.audit('service page (rating, 360 px)');
  await screenshots(visitor, 'service-rating');
  await send.click();
  await page.getByText('Grazie, la tua valutazione ci aiuterà a migliorare il servizio.').waitFor();
  assert.equal(await block.locator('form').count(), 0, 'the form goes once sent');
  await visitor.audit('service page (rated)');
});

test('(c) the rating page of the booking, and of a page that has none', async () => {
  const { page } = visitor;
  await page.setViewportSize(VIEWPORTS.desktop);
  await open(visitor, server.url, '/valuta?pagina=%2Fprenotazioni');
  await titled(visitor, 'Valuta questo servizio');
  const block = page.locator('[data-element="feedback"]');
  assert.equal((await block.locator('[data-element="feedback-title"]').textContent()).trim(), 'Quanto è stato facile usare questo servizio?');
  await block.locator('label[for=rating-star-4]').click();
  await block.locator('label[for=rating-aspect-followed]').click();
  await visitor.audit('rating page (booking)');
  await block.getByRole('button', { name: 'Invia la valutazione' }).click();
  await page.getByText('Grazie, la tua valutazione ci aiuterà a migliorare il servizio.').waitFor();
  await open(visitor, server.url, '/valuta?pagina=%2Fdocumenti');
  await page.getByText('Questa pagina non ha una valutazione.').waitFor();
  assert.equal(await page.locator('[data-element="feedback"]').count(), 0);
  await visitor.audit('rating page (no such rating)');
});

test('(d) the administrator reads the rating in the register', async () => {
  const { page } = admin;
  const reclamo = types.find((t) => t.kind === 'reclamo');
  const acc = account(server.demo, 'admin');
  await open(admin, server.url, '/console/accedi');
  await titled(admin, 'Accesso operatori');
  await admin.audit('console login');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await titled(admin, 'Coda delle pratiche');
  await admin.audit('console queue');
  await page.getByRole('navigation', { name: 'Navigazione della console' }).getByRole('link', { name: 'Registro TQRIF' }).click();
  await titled(admin, 'Registro TQRIF');
  const block = page.getByTestId('service-ratings');
  await block.getByTestId('ratings-total').filter({ hasText: /^\d+ valutazion[ei] lasciat[ae]/ }).waitFor();
  const row = block.getByTestId('rating-row').filter({ hasText: `/servizi/${reclamo.code}` });
  assert.match(await row.textContent(), new RegExp(reclamo.name));
  assert.match(await row.textContent(), /2★ [1-9]/);
  assert.match(await row.textContent(), /A volte le indicazioni non erano chiare \([1-9]/);
  await block.getByTestId('rating-comments').getByText(stamp).waitFor();
  // The booking's rating from (c), under its own page.
  await block.getByTestId('rating-row').filter({ hasText: '/prenotazioni' }).waitFor();
  await admin.audit('register (ratings)');
  await screenshots(admin, 'console-register-ratings');
});
