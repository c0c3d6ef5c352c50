// The services of the Modello Comuni in the browser, against the demo seed: (a) the home
// page at 1280 and 360 px lists the request types by category, with the data-element
// attributes AgID's validator looks for (header, services, footer) and the Comune's
// contacts in the footer; the header's brand starts where the content does; (b) a service
// card opens its public scheda: breadcrumb, title, description, status, the model's
// sections in order with a page index whose links move focus to them, the fields the form
// asks for, the TQRIF standard of the type, "Contatta il Comune"; "Accedi al servizio"
// goes to the sign-in page and, signed in, to the wizard with that type chosen; (c) the
// list of services at a category, the site map, legal notes and media policy, and a scheda
// in English. axe on every page, as everywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, person, open, titled, screenshots, VIEWPORTS, ROOT } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';

let server, browser, visitor, citizen, english;
let types;

before(async () => {
  server = await startServer();
  browser = await launch();
  visitor = await person(browser, 'visitor');
  citizen = await person(browser, 'citizen');
  english = await person(browser, 'english visitor');
  types = await (await fetch(`${server.url}/api/v1/request-types`)).json();
});

after(async () => {
  try {
    for (const who of [visitor, citizen, english]) {
      if (!who) continue;
      who.assertAllAudited();
      assert.deepEqual(who.unexpected(), [], `${who.label}: unexpected console errors`);
    }
  } finally {
    await browser?.close();
    await server?.stop();
  }
});

// The categories as the portal lists them (`domain::catalogue::ServiceCategory`).
const CATEGORY = {
  attivazione: 'utenza', variazione: 'utenza', cessazione: 'utenza',
  rettifica_importi: 'importi', rateizzazione: 'importi', rimborso: 'importi',
  reclamo: 'segnalazioni', disservizio: 'segnalazioni', riparazione_attrezzature: 'segnalazioni',
  ritiro_su_chiamata: 'ritiri', informazioni: 'altro', altro: 'altro',
};
const ORDER = ['utenza', 'importi', 'segnalazioni', 'ritiri', 'altro'];
const SECTIONS = [
  'A chi è rivolto', 'Come fare', 'Cosa serve', 'Cosa si ottiene', 'Tempi e scadenze', 'Costi',
  'Accedi al servizio', 'Condizioni di servizio', 'Contatti',
];

const el = (page, name) => page.locator(`[data-element="${name}"]`);

/** gzip -9 bytes of what a first load needs, as scripts/build-web.sh reports them. */
function firstLoad(app) {
  const dist = process.env.SPORTELLO_WEB_DIR || join(ROOT, 'dist');
  const files = ['index.html', 'boot.js', `${app}.js`, `${app}_bg.wasm`, 'bootstrap-italia/css/bootstrap-italia.min.css', 'app.css'];
  return files.reduce((n, f) => n + execFileSync('gzip', ['-9c', join(dist, f)], { maxBuffer: 64 << 20 }).length, 0);
}

test('the portal, with the service pages, loads within 400 KiB gzip', () => {
  const bytes = firstLoad('sportello');
  assert.ok(bytes <= 400 * 1024, `portal first load: ${bytes} B`);
});

test('(a) the home page groups the services by category, at 1280 and 360 px', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/');
  await el(page, 'service-link').first().waitFor();
  await visitor.audit('home');

  // Every type once, under its kind's category, the categories in the portal's order.
  const sections = await page.locator('section[data-category]').evaluateAll((all) =>
    all.map((s) => ({
      category: s.dataset.category,
      links: [...s.querySelectorAll('[data-element="service-link"]')].map((a) => a.getAttribute('href')),
    })),
  );
  const expected = ORDER.map((category) => ({
    category,
    links: types.filter((t) => CATEGORY[t.kind] === category).map((t) => `/servizi/${encodeURIComponent(t.code)}`),
  })).filter((s) => s.links.length > 0);
  assert.deepEqual(sections, expected);
  assert.ok(expected.length >= 4, `categories: ${expected.map((s) => s.category)}`);
  assert.equal(await el(page, 'service-link').count(), types.length);
  // Each category heading links to its place among all the services.
  const categoryLinks = await el(page, 'service-category-link').evaluateAll((all) => all.map((a) => a.getAttribute('href')));
  assert.deepEqual(categoryLinks, expected.map((s) => `/servizi#categoria-${s.category}`));

  // The validator's attributes on the home page and in the footer.
  assert.equal(await el(page, 'personal-area-login').getAttribute('href'), '/accedi');
  assert.equal(await page.locator('main [data-element="all-services"]').getAttribute('href'), '/servizi');
  assert.equal(await page.locator('main [data-element="appointment-booking"]').getAttribute('href'), '/prenotazioni');
  assert.equal(await el(page, 'main-navigation').count(), 1);
  const footer = page.locator('footer[data-element="footer"]');
  const hrefs = {};
  for (const name of ['legal-notes', 'privacy-policy-link', 'accessibility-link', 'faq', 'report-inefficiency', 'media-policy', 'site-map', 'agid-feedback']) {
    hrefs[name] = await footer.locator(`[data-element="${name}"]`).getAttribute('href');
  }
  const disservizio = types.find((t) => t.kind === 'disservizio');
  assert.deepEqual(hrefs, {
    'legal-notes': '/note-legali',
    'privacy-policy-link': '/privacy',
    'accessibility-link': '/dichiarazione-accessibilita',
    faq: '/faq',
    'report-inefficiency': `/nuova-richiesta?tipo=${encodeURIComponent(disservizio.code)}`,
    'media-policy': '/media-policy',
    'site-map': '/mappa-del-sito',
    'agid-feedback': 'https://form.agid.gov.it',
  });
  // The demo Comune's details from its settings; the parent body in the slim header.
  const contacts = footer.getByTestId('footer-contacts');
  for (const text of ['Piazza del Municipio 1, 00100 Esempio', 'protocollo@pec.comune.esempio.it', 'Codice fiscale: 00123450678', '+39061234567']) {
    await contacts.getByText(text).first().waitFor();
  }
  assert.equal(await contacts.getByText('Partita IVA').count(), 0, 'no partita IVA is set: none shown');
  assert.equal((await el(page, 'parent-body').textContent()).trim(), 'Regione di Esempio');

  // On a phone a service is a short row: title and answer time, no description, no
  // second link.
  const card = page.locator('article.service-card').first();
  const wide = (await card.boundingBox()).height;
  await page.setViewportSize(VIEWPORTS.phone);
  assert.equal(await card.locator('.card-text').isVisible(), false);
  assert.equal(await card.getByRole('link', { name: 'Presenta la richiesta' }).isVisible(), false);
  const height = (await card.boundingBox()).height;
  assert.ok(height < wide, `a service at 360 px is ${height} px tall, at 1280 px ${wide} px`);
  // The brand starts at the content's left edge.
  const brand = await page.locator('.it-brand-wrapper a').boundingBox();
  const title = await page.locator('#page-title').boundingBox();
  assert.ok(Math.abs(brand.x - title.x) <= 1, `brand at ${brand.x} px, content at ${title.x} px`);
  await page.setViewportSize(VIEWPORTS.desktop);
  await screenshots(visitor, 'home-services');
});

test('(b) a service card opens its scheda, and "Accedi al servizio" the wizard with it', async () => {
  const { page } = citizen;
  const reclamo = types.find((t) => t.kind === 'reclamo');
  assert.ok(reclamo && reclamo.standard_days, 'the demo catalogue has a reclamo with a standard');
  await open(citizen, server.url, '/');
  await citizen.audit('home');
  await page.locator('[data-element="service-link"]', { hasText: reclamo.name }).click();
  await page.waitForURL(new RegExp(`/servizi/${reclamo.code}$`));
  await titled(citizen, reclamo.name);
  await citizen.audit('service page');

  assert.equal(await el(page, 'service-title').evaluate((h) => h.tagName), 'H1');
  assert.equal((await el(page, 'service-description').textContent()).trim(), reclamo.description);
  assert.match(await el(page, 'service-status').textContent(), /attivo/);
  const crumbs = await page.locator('[data-element="breadcrumb"] li').allTextContents();
  assert.deepEqual(crumbs.map((c) => c.replace('/', '').trim()), ['Home', 'Servizi', reclamo.name]);
  const meta = JSON.parse(await el(page, 'metatag').textContent());
  assert.equal(meta.name, reclamo.name);

  // The index lists the model's sections in its order; each link moves focus to its own.
  const index = el(page, 'page-index').locator('a');
  assert.deepEqual((await index.allTextContents()).map((s) => s.trim()), SECTIONS);
  for (const name of SECTIONS) {
    await index.filter({ hasText: name }).click();
    const focused = await page.evaluate(() => ({ id: document.activeElement.id, text: document.activeElement.textContent.trim() }));
    assert.equal(focused.text, name, `index link ${name} focuses ${focused.id}`);
    assert.ok(await page.locator(`#${focused.id}`).isVisible());
  }
  const section = (name) => page.locator('main section').filter({ has: page.getByRole('heading', { name, exact: true }) });
  // Cosa serve: the fields the type's form asks for, required or not.
  const fields = section('Cosa serve').getByTestId('sheet-fields').locator('> li');
  assert.deepEqual(
    (await fields.allTextContents()).map((s) => s.split(' (')[0].trim()),
    reclamo.fields.map((f) => f.label),
  );
  // Tempi e scadenze: the type's TQRIF standard.
  assert.equal(
    (await section('Tempi e scadenze').getByTestId('sheet-standard').textContent()).trim(),
    `Risposta entro ${reclamo.standard_days} giorni lavorativi`,
  );
  await section('Costi').getByText('Il servizio è gratuito.').waitFor();
  assert.equal(await section('Accedi al servizio').locator('[data-element="appointment-booking"]').getAttribute('href'), '/prenotazioni');
  const contacts = section('Contatti');
  await contacts.getByRole('heading', { name: 'Contatta il Comune' }).waitFor();
  await contacts.getByRole('link', { name: 'protocollo@pec.comune.esempio.it' }).waitFor();
  assert.equal(await contacts.locator('[data-element="service-topic"]').getAttribute('href'), '/servizi#categoria-segnalazioni');
  await screenshots(citizen, 'service-page');

  // Accedi al servizio: the sign-in page (SPID and CIE offered), then the wizard at this type.
  await section('Accedi al servizio').getByRole('link', { name: 'Accedi al servizio' }).click();
  await page.waitForURL(/\/accedi\?next=/);
  await titled(citizen, 'Accedi');
  await citizen.audit('login');
  const mario = account(server.demo, 'citizen');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(mario.username);
  await page.getByLabel('Password *', { exact: true }).fill(mario.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/nuova-richiesta' && url.searchParams.get('tipo') === reclamo.code);
  // The wizard's H1 names the chosen service once the catalogue is in.
  await titled(citizen, reclamo.name);
  await citizen.audit('wizard: privacy');
  await page.getByLabel("Ho letto e compreso l'informativa sulla privacy").focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Avanti' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'step-title');
  assert.ok(await page.getByRole('radio', { name: new RegExp(`^${reclamo.name}`) }).isChecked());
  await citizen.audit('wizard: type');
});

test('(c) all services at a category, the site map, legal notes and media policy; English', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/');
  await visitor.audit('home');
  await page.locator('[data-element="service-category-link"]', { hasText: 'Reclami e segnalazioni' }).click();
  await titled(visitor, 'Servizi');
  await page.waitForFunction(() => document.activeElement?.id === 'h-categoria-segnalazioni');
  assert.equal(await page.locator('main [data-element="service-link"]').count(), types.length);
  await visitor.audit('all services');
  await screenshots(visitor, 'all-services');

  await page.locator('footer').getByRole('link', { name: 'Mappa del sito' }).click();
  await titled(visitor, 'Mappa del sito');
  const listed = await page.getByTestId('site-map-services').locator('a').evaluateAll((all) => all.map((a) => a.getAttribute('href')));
  for (const t of types) assert.ok(listed.includes(`/servizi/${encodeURIComponent(t.code)}`), `site map lacks ${t.code}`);
  for (const path of ['/', '/servizi', '/prenotazioni', '/documenti', '/faq', '/riciclabolario', '/trasparenza', '/cerca']) {
    assert.ok(listed.includes(path), `site map lacks ${path}`);
  }
  await visitor.audit('site map');

  await page.locator('footer').getByRole('link', { name: 'Note legali' }).click();
  await titled(visitor, 'Note legali');
  await page.getByText('Comune di Esempio', { exact: false }).first().waitFor();
  await visitor.audit('legal notes');
  await page.locator('footer').getByRole('link', { name: 'Media policy' }).click();
  await titled(visitor, 'Media policy');
  await visitor.audit('media policy');

  // A scheda in English: the same sections, the standard in English.
  const { page: en } = english;
  const info = types.find((t) => t.kind === 'informazioni') ?? types[0];
  await open(english, server.url, `/servizi/${encodeURIComponent(info.code)}`);
  await en.locator('.lang-switch').click();
  await en.locator('[data-element="page-index"] a', { hasText: 'Who it is for' }).waitFor();
  const entries = (await en.locator('[data-element="page-index"] a').allTextContents()).map((s) => s.trim());
  assert.deepEqual(entries, [
    'Who it is for', 'How to', 'What you need', 'What you get', 'Times and deadlines', 'Costs',
    'Access the service', 'Terms of service', 'Contacts',
  ]);
  const standard = (await en.getByTestId('sheet-standard').textContent()).trim();
  assert.equal(
    standard,
    info.standard_days ? `Answer within ${info.standard_days} working days` : 'No standard answer time is set for this service.',
  );
  await english.audit('service page in English');
});
