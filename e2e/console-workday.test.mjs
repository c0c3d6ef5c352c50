// The console through an operator's working day, on a phone and on a desktop: the menu
// folds behind a button on a phone, the queue shows number, status and due date without
// scrolling sideways, the request page puts the actions first on a phone and keeps them in
// view beside a long thread on a desktop, the "Invia per e-mail" heading and the "Tipo di
// invio" label do not overlap, and "Rispondi ed evadi" is one step: what was typed in the
// reply box becomes the one answer the citizen gets. Then an administrator edits an office,
// a document and a FAQ in place. axe on every page, at both widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots, VIEWPORTS } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';

let server, browser, operator, admin;
const story = {};

before(async () => {
  server = await startServer();
  browser = await launch();
  operator = await person(browser, 'operator');
  admin = await person(browser, 'admin');
});

after(async () => {
  const findings = [operator, admin].filter(Boolean).map((who) => {
    try {
      who.assertAllAudited();
      return who.unexpected().map((p) => `${who.label}: ${p}`);
    } catch (e) {
      return [e.message];
    }
  });
  await browser?.close();
  await server?.stop();
  assert.deepEqual(findings.flat(), [], 'unexpected console errors or pages axe never checked');
});

async function api(method, path, token, body) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

async function token(acc) {
  const res = await api('POST', '/auth/login', null, { username: acc.username, password: acc.password });
  assert.equal(res.status, 200, res.text);
  return res.body.access_token;
}

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
}

const box = (locator) => locator.boundingBox();
const VIEWPORT_HEIGHT = VIEWPORTS.desktop.height;
const overlap = (a, b) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test('a citizen files a reclamo (through the API) for the desk', async () => {
  const citizen = await token(account(server.demo, 'citizen'));
  const filed = await api('POST', '/requests', citizen, {
    type: 'tari_reclamo',
    subject: 'Cassonetto del vetro rotto in via Garibaldi',
    description: 'Il cassonetto del vetro davanti al civico 3 ha il coperchio rotto da una settimana.',
    fields: { servizio: 'raccolta' },
  });
  assert.equal(filed.status, 201, filed.text);
  story.id = filed.body.id;
  story.protocol = filed.body.protocol_number;
  // A thread long enough to scroll on a desktop.
  for (let i = 1; i <= 6; i += 1) {
    const res = await api('POST', `/requests/${story.id}/messages`, citizen, {
      body: `Aggiornamento ${i}: il coperchio è ancora rotto e il vetro resta a terra accanto al cassonetto.`,
    });
    assert.equal(res.status, 201, res.text);
  }
});

test('on a phone: the menu folds, the queue fits, the actions come first', async () => {
  const { page } = operator;
  await page.setViewportSize(VIEWPORTS.phone);
  await login(operator, account(server.demo, 'operator', /tributi/));
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  const menu = page.getByRole('button', { name: 'Navigazione della console' });
  assert.equal(await nav.isVisible(), false, 'the menu is folded on a phone');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  await operator.audit('console queue (360 px, menu folded)');
  await menu.click();
  await nav.waitFor();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await operator.audit('console queue (360 px, menu open)');
  await nav.getByRole('link', { name: 'Coda delle pratiche', exact: true }).click();
  await nav.waitFor({ state: 'hidden' });

  // Number, status and due date of the new request in view, nothing scrolls sideways.
  const table = page.getByTestId('queue');
  const row = table.getByRole('row').filter({ hasText: story.protocol });
  await row.waitFor();
  const wrapper = page.locator('.table-responsive');
  const [scroll, client] = await wrapper.evaluate((el) => [el.scrollWidth, el.clientWidth]);
  assert.ok(scroll <= client, `the queue scrolls sideways at 360 px (${scroll} > ${client})`);
  for (const part of [row.getByRole('link', { name: story.protocol }), row.locator('[data-status]')]) {
    const b = await box(part);
    assert.ok(b && b.x >= 0 && b.x + b.width <= VIEWPORTS.phone.width, `${await part.textContent()} is in view: ${JSON.stringify(b)}`);
  }
  const due = await box(row.locator('td:visible').last());
  assert.ok(due.x + due.width <= VIEWPORTS.phone.width, `the due date is in view: ${JSON.stringify(due)}`);

  await row.getByRole('link', { name: story.protocol }).click();
  await titled(operator, `Pratica ${story.protocol}`);
  const actions = page.locator('section[aria-labelledby=actions-title]');
  const take = actions.getByRole('button', { name: 'Prendi in carico' });
  await take.waitFor();
  const a = await box(take);
  assert.ok(a.y + a.height <= VIEWPORTS.phone.height, `the actions are above the fold on a phone: ${JSON.stringify(a)}`);
  const data = await box(page.getByText('Cassonetto del vetro rotto in via Garibaldi').first());
  assert.ok(a.y < data.y, 'the actions come before the data');
  // The heading of the mail form and the label of its first select do not overlap.
  const heading = page.getByRole('heading', { name: 'Invia per e-mail' });
  const label = page.locator('label[for=mail-mode]');
  assert.ok(!overlap(await box(heading), await box(label)), 'heading and label overlap at 360 px');
  await operator.audit('console request (360 px)');
});

test('on a desktop: the actions stay in view, and "Rispondi ed evadi" is one message', async () => {
  const { page } = operator;
  await page.setViewportSize(VIEWPORTS.desktop);
  await page.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));
  const heading = page.getByRole('heading', { name: 'Invia per e-mail' });
  const label = page.locator('label[for=mail-mode]');
  assert.ok(!overlap(await box(heading), await box(label)), 'heading and label overlap at 1280 px');
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height > VIEWPORTS.desktop.height * 1.5, `the page scrolls (${height} px)`);
  // Down to the end of the request's own content, the history under the thread and the
  // mail form (the footer below may push the column, and its actions, up).
  await page.evaluate(() => document.getElementById('history-title').scrollIntoView({ block: 'center', behavior: 'instant' }));
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(scrolled > VIEWPORT_HEIGHT, `scrolled down the thread (${scrolled} px)`);
  const take = page.locator('section[aria-labelledby=actions-title]').getByRole('button', { name: 'Prendi in carico' });
  const inView = await take.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  assert.ok(inView, 'the actions stay in view at the end of the page');
  await page.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));

  await take.click();
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.locator('[data-status=in_progress]').first().waitFor();

  const answer = 'Il cassonetto è stato sostituito questa mattina. Grazie della segnalazione.';
  const replyBox = page.getByLabel('Il tuo messaggio *', { exact: true });
  await replyBox.fill(answer);
  await page.getByRole('button', { name: 'Rispondi ed evadi' }).click();
  const note = page.getByLabel('Risposta al cittadino *', { exact: true });
  assert.equal(await note.inputValue(), answer, 'the reply typed is carried over');
  await page.getByText('un solo messaggio e una sola e-mail').waitFor();
  await operator.audit('console request (reply and resolve)');
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.locator('[data-status=resolved]').first().waitFor();
  await page.locator('.thread').getByText(answer).waitFor();
  assert.equal(await page.locator('.thread').getByText(answer).count(), 1, 'one message to the citizen');
  assert.equal(await replyBox.inputValue(), '', 'the reply box is emptied: its text went out as the answer');
  const staff = await token(account(server.demo, 'operator', /tributi/));
  const thread = await api('GET', `/requests/${story.id}/messages`, staff);
  const answers = thread.body.items.filter((m) => m.body === answer);
  assert.equal(answers.length, 1, JSON.stringify(thread.body.items.map((m) => m.body)));
  await operator.audit('console request (resolved)');
  await screenshots(operator, 'console-request-resolved');
});

test('the register on a phone: Italian figures, chart labels of at least 12 px', async () => {
  const { page } = operator;
  await page.setViewportSize(VIEWPORTS.phone);
  await open(operator, server.url, '/console/registro');
  await titled(operator, 'Registro TQRIF');
  const row = page.getByTestId('register-table').locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: 'Reclamo', exact: true }) });
  await row.waitFor();
  const percent = (await row.locator('td').nth(3).textContent()).trim();
  assert.match(percent, /^\d{1,3},\d\u00a0%$/, `percent as Italians write it: ${percent}`);
  const labels = page.locator('svg.register-chart text.chart-label');
  assert.ok((await labels.count()) > 0, 'the chart has labels');
  const smallest = await labels.evaluateAll((all) => Math.min(...all.map((t) => t.getBoundingClientRect().height)));
  assert.ok(smallest >= 12, `chart labels are ${smallest} px high at 360 px`);
  await operator.audit('register (360 px)');
  await page.setViewportSize(VIEWPORTS.desktop);
});

test('an administrator edits an office, a document and a FAQ in place', async () => {
  const { page } = admin;
  await login(admin, account(server.demo, 'admin'));
  await admin.audit('console queue (admin)');
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });

  await nav.getByRole('link', { name: 'Uffici', exact: true }).click();
  await titled(admin, 'Uffici');
  const offices = (await api('GET', '/offices', await token(account(server.demo, 'admin')))).body;
  const office = (offices.items ?? offices)[0];
  await page.getByRole('button', { name: `Modifica ${office.name}` }).click();
  await page.getByRole('heading', { name: `Modifica «${office.name}»` }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'office-form-title');
  assert.equal(await page.getByLabel('Nome dell\'ufficio *', { exact: true }).inputValue(), office.name);
  await admin.audit('offices (editing)');
  const renamed = `${office.name} e Riscossione`;
  await page.getByLabel('Nome dell\'ufficio *', { exact: true }).fill(renamed);
  await page.getByRole('button', { name: 'Salva', exact: true }).click();
  await page.getByText('Modifiche salvate.').waitFor();
  await page.locator('.list-group-item').filter({ hasText: renamed }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Aggiungi' }).count(), 1, 'the form adds again');

  await nav.getByRole('link', { name: 'Documenti pubblicati', exact: true }).click();
  await titled(admin, 'Documenti pubblicati');
  const doc = page.locator('.list-group-item').first();
  const docTitle = (await doc.locator('span').first().evaluate((el) => el.firstChild.textContent)).trim();
  await doc.getByRole('button', { name: `Modifica ${docTitle}` }).click();
  await page.getByRole('heading', { name: `Modifica «${docTitle}»` }).waitFor();
  await admin.audit('documents (editing)');
  await page.getByLabel('Titolo *', { exact: true }).fill(`${docTitle} (aggiornato)`);
  await page.getByRole('button', { name: 'Salva', exact: true }).click();
  await page.locator('.list-group-item').filter({ hasText: `${docTitle} (aggiornato)` }).waitFor();
  const published = await api('GET', '/public/documents');
  assert.ok((published.body.items ?? published.body).some((d) => d.title === `${docTitle} (aggiornato)`), 'the public list has the new title');

  await nav.getByRole('link', { name: 'Domande frequenti', exact: true }).click();
  await titled(admin, 'Domande frequenti');
  const faq = page.locator('.list-group-item').first();
  const question = (await faq.locator('strong').textContent()).trim();
  await faq.getByRole('button', { name: `Modifica ${question}` }).click();
  await page.getByRole('heading', { name: `Modifica «${question}»` }).waitFor();
  await admin.audit('faq (editing)');
  await page.getByLabel('Risposta *', { exact: true }).fill('Sì, con la rateizzazione: fino a sei rate.');
  await page.getByRole('button', { name: 'Salva', exact: true }).click();
  await page.locator('.list-group-item').filter({ hasText: 'fino a sei rate' }).waitFor();
  await screenshots(admin, 'console-faq-admin');
});
