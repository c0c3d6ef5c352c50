// The citizen's personal area as in the "Modello Comuni": the demo citizen files a reclamo
// (through the API: the wizard has its own journey) and signs in to the Scrivania, whose
// tabs (Scrivania, Messaggi, Pratiche, Pagamenti, Appuntamenti, Preferenze) lead to each
// page at 1280 and 360 px; the request page reads "Inviata", lists the form's fields by
// their labels and a timeline, and its receipt PDF (read back with pdftotext) holds the
// protocol number. An operator takes the request and answers it in the console; the
// citizen then sees "Conclusa", the timeline Inviata → In lavorazione → Conclusa with
// dates, the answer among the messages, the way to reopen it, and rates the answer (four
// stars, the model's follow-up question) once. axe on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';

let server, browser, citizen, operator, mario, staff, filed;
const reclamo = {
  type: 'tari_reclamo',
  subject: 'Cassonetto della carta rotto in via Verdi',
  description: 'Il coperchio del cassonetto della carta davanti al civico 8 è rotto da una settimana.',
  fields: { servizio: 'raccolta', codice_utenza: 'UT-00777' },
};
const answer = 'Il gestore sostituirà il cassonetto entro venerdì. Grazie della segnalazione.';

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
  filed = await api('/requests', token, reclamo);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function login(who, acc) {
  const { page } = who;
  await open(who, server.url, acc.role === 'citizen' ? '/accedi' : '/console/accedi');
  await who.audit(`login (${who.label})`);
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
}

const tabs = (page) => page.getByRole('navigation', { name: "Menu dell'area personale" });

function pdfText(path) {
  assert.ok(readFileSync(path).subarray(0, 5).equals(Buffer.from('%PDF-')), 'not a PDF');
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

/** The timeline's steps as "label" lines, each with a date. */
async function timeline(page) {
  const items = page.getByTestId('timeline').locator('li');
  const out = [];
  for (const li of await items.all()) {
    assert.match(await li.locator('time').textContent(), /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    out.push((await li.locator('span').first().textContent()).trim());
  }
  return out;
}

test('the Scrivania and its tabs, at 1280 and 360 px', async () => {
  const { page } = citizen;
  await login(citizen, mario);
  await page.waitForURL(/\/area-personale$/);
  await titled(citizen, 'Area personale');
  const names = (await tabs(page).getByRole('link').allTextContents()).map((t) => t.trim());
  assert.deepEqual(names, ['Scrivania', 'Messaggi', 'Pratiche', 'Pagamenti', 'Appuntamenti', 'Preferenze']);
  assert.equal(await tabs(page).getByRole('link', { name: 'Scrivania' }).getAttribute('aria-current'), 'page');
  const latest = page.getByTestId('latest-requests').locator('li').filter({ hasText: filed.protocol_number });
  await latest.waitFor();
  assert.equal((await latest.locator('[data-status]').textContent()).trim(), 'Inviata');
  await page.getByTestId('payments-due').waitFor();
  await citizen.audit('personal area: desk');
  await screenshots(citizen, 'personal-desk');

  for (const [tab, title] of [
    ['Messaggi', 'Messaggi'],
    ['Appuntamenti', 'Appuntamenti'],
    ['Preferenze', 'Preferenze di contatto'],
    ['Pratiche', 'Le mie pratiche'],
  ]) {
    await tabs(page).getByRole('link', { name: tab, exact: true }).click();
    await titled(citizen, title);
    assert.equal(await tabs(page).getByRole('link', { name: tab, exact: true }).getAttribute('aria-current'), 'page');
    await page.locator('.spinner-border').waitFor({ state: 'detached' }).catch(() => {});
    await citizen.audit(`personal area: ${tab}`);
    await screenshots(citizen, `personal-${tab.toLowerCase()}`);
  }
  const item = page.getByTestId('my-requests').locator('li').filter({ hasText: filed.protocol_number });
  assert.equal((await item.locator('[data-status]').textContent()).trim(), 'Inviata');

  // Pagamenti is the account app: a page load, with the same tabs.
  await tabs(page).getByRole('link', { name: 'Pagamenti', exact: true }).click();
  await titled(citizen, 'Pagamenti e avvisi');
  assert.equal(await tabs(page).getByRole('link', { name: 'Pagamenti', exact: true }).getAttribute('aria-current'), 'page');
  await citizen.audit('personal area: payments');
  await tabs(page).getByRole('link', { name: 'Pratiche', exact: true }).click();
  await titled(citizen, 'Le mie pratiche');
});

test('the request reads "Inviata", shows its fields and timeline, and its receipt holds the protocol', async () => {
  const { page } = citizen;
  await page.getByTestId('my-requests').getByRole('link', { name: reclamo.subject }).click();
  await titled(citizen, 'Pratica');
  await page.getByTestId('protocol-number').filter({ hasText: filed.protocol_number }).waitFor();
  assert.equal((await page.locator('[data-status]').first().textContent()).trim(), 'Inviata');
  // The type's field labels with the values (a select by its option's label).
  const fields = page.getByTestId('request-fields');
  await fields.waitFor();
  assert.match(await fields.textContent(), /Servizio interessato\s*Raccolta e trasporto/);
  assert.match(await fields.textContent(), /Codice utenza\s*UT-00777/);
  await page.getByTestId('timeline').waitFor();
  assert.deepEqual(await timeline(page), ['Inviata']);
  // "Ritira la richiesta" is there, but an outline button.
  const withdraw = page.getByRole('button', { name: 'Ritira la richiesta' });
  assert.match(await withdraw.getAttribute('class'), /btn-outline-/);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Scarica la ricevuta (PDF)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `ricevuta-${filed.protocol_number.replace('/', '-')}.pdf`);
  const text = pdfText(await download.path());
  assert.ok(text.includes(filed.protocol_number), text);
  assert.ok(text.includes('Ricevuta di presentazione'), text);
  assert.ok(text.includes(reclamo.subject), text);
  await citizen.audit('request detail (submitted)');
  await screenshots(citizen, 'request-detail-submitted');
});

test('an operator takes the request and answers it', async () => {
  const { page } = operator;
  await login(operator, staff);
  await page.waitForURL(/\/console$/);
  await titled(operator, 'Coda delle pratiche');
  await operator.audit('console queue');
  await open(operator, server.url, `/console/pratiche/${filed.id}`);
  await titled(operator, `Pratica ${filed.protocol_number}`);
  await operator.audit('console request');
  await page.getByRole('button', { name: 'Prendi in carico' }).click();
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.locator('[data-status=in_progress]').first().waitFor();
  await page.getByRole('button', { name: 'Rispondi ed evadi' }).click();
  await page.getByLabel('Risposta al cittadino *', { exact: true }).fill(answer);
  await operator.audit('console request (resolve form)');
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.locator('[data-status=resolved]').first().waitFor();
  await operator.audit('console request (resolved)');
});

test('the citizen sees "Conclusa", the timeline and the answer, and rates it once', async () => {
  const { page } = citizen;
  await page.reload();
  await titled(citizen, 'Pratica');
  await page.locator('[data-status=resolved]').first().waitFor();
  assert.equal((await page.locator('[data-status]').first().textContent()).trim(), 'Conclusa');
  await page.locator('.thread').getByText(answer).waitFor();
  await page.getByTestId('timeline').locator('li').nth(2).waitFor();
  assert.deepEqual(await timeline(page), ['Inviata', 'In lavorazione', 'Conclusa']);
  // Concluded: no withdrawal, a way to reopen within the window.
  assert.equal(await page.getByRole('button', { name: 'Ritira la richiesta' }).count(), 0);
  await page.getByRole('button', { name: 'Riapri la pratica' }).waitFor();
  await citizen.audit('request detail (concluded)');

  const rating = page.getByTestId('rating');
  // Bootstrap Italia draws the inputs with their labels, which take the click.
  await rating.locator('label[for=rating-star-4]').click();
  assert.ok(await rating.getByLabel('4 stelle').isChecked());
  await rating.getByRole('group', { name: 'Quali sono stati gli aspetti che hai preferito?' }).waitFor();
  await rating.locator('label[for=rating-aspect-clear]').click();
  assert.ok(await rating.getByLabel('Le indicazioni erano chiare').isChecked());
  await rating.getByLabel('Vuoi aggiungere altri dettagli?').fill('Risposta rapida');
  await citizen.audit('request detail (rating)');
  await screenshots(citizen, 'request-detail-rating');
  await rating.getByRole('button', { name: 'Invia la valutazione' }).click();
  await rating.getByText('Hai valutato la risposta 4 su 5.').waitFor();
  await citizen.audit('request detail (rated)');

  // The answer is among the latest messages.
  await tabs(page).getByRole('link', { name: 'Messaggi', exact: true }).click();
  await titled(citizen, 'Messaggi');
  await page.getByTestId('message-feed').getByText(answer.slice(0, 40)).waitFor();
  await citizen.audit('personal area: messages (answered)');
});

test('nobody met a console error, and every page visited passed axe', () => {
  for (const who of [citizen, operator]) {
    assert.deepEqual(who.unexpected(), [], who.label);
    who.assertAllAudited();
  }
});
