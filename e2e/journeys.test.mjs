// The two journeys of issue 4, in real Chromium against the real server (demo seed):
//  (a) a new citizen registers with an identity document → an operator approves it in the
//      console, with the document shown inline → the citizen files a reclamo through the
//      wizard and sees its protocol number and due date → the operator takes it, replies
//      and resolves it → the citizen sees the reply and "Conclusa";
//  (b) the operator's register page shows that reclamo resolved within its standard;
//  (c) a citizen cannot open the console.
// Every page either person sees goes through axe (zero serious or critical violations);
// the main pages are photographed at 360×740 and 1280×800 into e2e/artifacts/.
// The tests run in order and share state: each one continues the story of the last.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';
import { makePdf, randomCodiceFiscale } from './lib/fixtures.mjs';
import { identityDocumentShown } from './lib/document.mjs';

let server, browser, citizen, operator, staff;
const newcomer = {
  fiscalCode: randomCodiceFiscale(),
  firstName: 'Giulia',
  lastName: 'Verdi',
  email: `giulia.verdi.${Date.now()}@example.it`,
  password: 'Sportello-2026!e2e',
};
const reclamo = {
  subject: 'Mancata raccolta del secco in via Roma',
  description: 'Da due settimane il secco residuo non viene ritirato davanti al civico 12.',
  address: 'Via Roma 12',
  reply: 'Abbiamo segnalato il disservizio al gestore della raccolta.',
  resolution: 'Il ritiro è stato recuperato il giorno successivo. Ci scusiamo per il disagio.',
};
const story = {}; // what one step leaves for the next: protocol, dueDate, expectedDue

before(async () => {
  server = await startServer();
  browser = await launch();
  citizen = await person(browser, 'citizen');
  operator = await person(browser, 'operator');
  staff = account(server.demo, 'operator', /tributi/);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function login(who, username, password) {
  const { page } = who;
  await open(who, server.url, '/accedi');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(username);
  await page.getByLabel('Password *', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
}

test('(a1) a new citizen registers with an identity document', async () => {
  const { page } = citizen;
  await open(citizen, server.url, '/');
  await page.getByRole('link', { name: /Accedi all'area personale/ }).click();
  await titled(citizen, "Accedi all'area personale");
  await page.getByRole('link', { name: 'Registrati' }).click();
  await titled(citizen, 'Registrazione');
  await citizen.audit('register');

  await page.getByLabel('Codice fiscale *', { exact: true }).fill(newcomer.fiscalCode);
  await page.getByLabel('Nome *', { exact: true }).fill(newcomer.firstName);
  await page.getByLabel('Cognome *', { exact: true }).fill(newcomer.lastName);
  await page.getByLabel('E-mail *', { exact: true }).fill(newcomer.email);
  await page.getByLabel('Password *', { exact: true }).fill(newcomer.password);
  await page.getByLabel("Documento d'identità *", { exact: true }).setInputFiles({
    name: 'carta-identita.pdf',
    mimeType: 'application/pdf',
    buffer: makePdf(`Carta di identita - ${newcomer.firstName} ${newcomer.lastName}`),
  });
  // The consent by keyboard: focus and Space.
  await page.getByLabel("Ho letto e compreso l'informativa sulla privacy").focus();
  await page.keyboard.press('Space');
  assert.ok(await page.getByLabel("Ho letto e compreso l'informativa sulla privacy").isChecked());
  await citizen.audit('register (filled in)');
  await page.getByRole('button', { name: 'Invia la registrazione' }).click();
  await page.locator('#register-done').waitFor();
  assert.match(await page.locator('#register-done').textContent(), /Registrazione inviata/);
  await page.waitForFunction(() => document.activeElement?.id === 'register-done');
  await citizen.audit('register (sent)');
  await screenshots(citizen, 'register-sent');

  // Until an operator approves, the account cannot sign in.
  citizen.allow(/status of 403/);
  await login(citizen, newcomer.email, newcomer.password);
  await page.getByRole('alert').first().waitFor();
  await citizen.audit('login refused (pending)');
});

test('(a2) an operator approves the registration, with the document shown inline', async () => {
  const { page } = operator;
  // Keyboard only: Tab to the user name, type, Tab, type, Enter.
  await open(operator, server.url, '/console/accedi');
  await titled(operator, 'Accesso operatori');
  await operator.audit('login (operator)');
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.id === 'username')) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'username', 'Tab never reached the user name');
  await page.keyboard.type(staff.username);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
  await page.keyboard.type(staff.password);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/console$/);
  await titled(operator, 'Coda delle pratiche');
  await operator.audit('console queue (empty)');

  await page.getByRole('navigation', { name: 'Navigazione della console' }).getByRole('link', { name: 'Registrazioni da verificare' }).click();
  await titled(operator, 'Registrazioni da verificare');
  const card = page.getByTestId('registration').filter({ hasText: newcomer.email });
  await card.waitFor();
  assert.ok(await card.getByText(newcomer.fiscalCode).isVisible());

  // The PDF opens in the browser's viewer inside the card (or, where the server's CSP
  // refuses blob: frames, in a new tab: see lib/document.mjs).
  story.documentShown = await identityDocumentShown(operator, card);
  await operator.audit('registrations (document shown)');
  await screenshots(operator, 'console-registrations');

  await card.getByRole('button', { name: 'Approva' }).click();
  await page.getByRole('status').filter({ hasText: 'Registrazione approvata.' }).waitFor();
  await card.waitFor({ state: 'detached' });
  await operator.audit('registrations (approved)');
});

test('(a3) the citizen files a reclamo through the wizard and sees protocol and due date', async () => {
  const { page } = citizen;
  await login(citizen, newcomer.email, newcomer.password);
  await page.waitForURL(/\/area-personale$/);
  await titled(citizen, 'Area personale');
  await page.getByText('Non hai ancora presentato richieste.').waitFor();
  assert.ok(await page.getByText(`${newcomer.firstName} ${newcomer.lastName}`).first().isVisible());
  await citizen.audit('my requests (empty)');

  await page.getByRole('navigation', { name: 'Menu principale' }).getByRole('link', { name: 'Servizi' }).click();
  await titled(citizen, 'Servizi TARI online');
  await citizen.audit('home (signed in)');
  const card = page.locator('article').filter({ has: page.getByRole('heading', { name: 'Reclamo', exact: true }) });
  await card.getByRole('link', { name: 'Presenta la richiesta' }).click();
  await titled(citizen, 'Reclamo');

  // 1. Privacy: going on without the consent is refused, per field.
  const step = page.locator('#step-title');
  await step.filter({ hasText: 'Informativa' }).waitFor();
  await page.getByRole('button', { name: 'Avanti' }).click();
  await page.locator('#privacy_accepted-error').waitFor();
  await citizen.audit('wizard: privacy (error)');
  await page.getByLabel("Ho letto e compreso l'informativa sulla privacy").focus();
  await page.keyboard.press('Space');
  await citizen.audit('wizard: privacy');
  await screenshots(citizen, 'wizard-1-privacy');
  await page.getByRole('button', { name: 'Avanti' }).click();

  // 2. Type: the card chose it already.
  await page.waitForFunction(() => document.activeElement?.id === 'step-title');
  assert.ok(await page.getByRole('radio', { name: /^Reclamo/ }).isChecked());
  await citizen.audit('wizard: type');
  await screenshots(citizen, 'wizard-2-type');
  await page.getByRole('button', { name: 'Avanti' }).click();

  // 3. Data, the type's own fields and an attachment.
  await page.getByLabel('Oggetto *', { exact: true }).fill(reclamo.subject);
  await page.getByLabel('Descrizione *', { exact: true }).fill(reclamo.description);
  await page.getByLabel('Servizio interessato *', { exact: true }).selectOption({ label: 'Raccolta e trasporto' });
  await page.getByLabel("Indirizzo dell'immobile").fill(reclamo.address);
  await page.getByLabel('Allegati (facoltativi)').setInputFiles({
    name: 'foto-cassonetto.pdf',
    mimeType: 'application/pdf',
    buffer: makePdf('Cassonetto pieno - via Roma 12'),
  });
  await citizen.audit('wizard: data');
  await screenshots(citizen, 'wizard-3-data');
  await page.getByRole('button', { name: 'Avanti' }).click();

  // 4. Summary, with the due date computed in the browser with the tenant calendar.
  const expected = page.getByTestId('expected-due-date');
  await expected.waitFor();
  story.expectedDue = (await expected.textContent()).trim();
  assert.match(story.expectedDue, /^\d{2}\/\d{2}\/\d{4}$/);
  assert.ok(await page.getByText(reclamo.subject).isVisible());
  assert.ok(await page.getByText('foto-cassonetto.pdf').isVisible());
  await citizen.audit('wizard: summary');
  await screenshots(citizen, 'wizard-4-summary');
  await page.getByRole('button', { name: 'Conferma e invia' }).click();

  // 5. Confirmation: protocol number and the due date the server set.
  const protocol = page.getByTestId('protocol-number');
  await protocol.waitFor();
  story.protocol = (await protocol.textContent()).trim();
  story.dueDate = (await page.getByTestId('due-date').textContent()).trim();
  assert.match(story.protocol, /^\d{4}\/\d{7}$/);
  assert.equal(story.dueDate, story.expectedDue, 'the server and the browser disagree on the due date');
  assert.equal(await page.getByRole('alert').count(), 0, 'the attachment upload failed');
  await citizen.audit('wizard: confirmation');
  await screenshots(citizen, 'wizard-5-confirmation');

  await page.getByRole('link', { name: 'Vai alla pratica' }).click();
  await titled(citizen, 'Pratica');
  await page.getByTestId('protocol-number').filter({ hasText: story.protocol }).waitFor();
  assert.equal((await page.locator('[data-status]').first().textContent()).trim(), 'Inviata');
  await page.getByRole('button', { name: /foto-cassonetto\.pdf/ }).waitFor();
  await citizen.audit('request detail (received)');
});

test('(a4) the operator takes the reclamo, replies and resolves it', async () => {
  const { page } = operator;
  await page.getByRole('navigation', { name: 'Navigazione della console' }).getByRole('link', { name: 'Coda delle pratiche' }).click();
  await titled(operator, 'Coda delle pratiche');
  await page.getByTestId('queue').getByRole('link', { name: story.protocol }).waitFor();
  await operator.audit('console queue');
  await screenshots(operator, 'console-queue');

  // Keyboard shortcuts: j moves to the next row, Enter opens it.
  await page.locator('#page-title').focus();
  await page.keyboard.press('j');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent.trim()), story.protocol);
  await page.keyboard.press('Enter');
  await titled(operator, `Pratica ${story.protocol}`);
  // The type's own labels, not the field keys.
  await page.getByText('Servizio interessato').waitFor();
  assert.ok(await page.getByText('Raccolta e trasporto').isVisible());
  await operator.audit('console request (received)');

  const status = () => page.locator('[data-status]').first().textContent();
  await page.getByRole('button', { name: 'Prendi in carico' }).click();
  await operator.audit('console request (take form)');
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.getByRole('status').filter({ hasText: 'Operazione eseguita.' }).waitFor();
  // The panel the button was in is rebuilt for the new status: focus goes to the outcome.
  await page.waitForFunction(() => document.activeElement?.id === 'action-done');
  await page.locator('[data-status=in_progress]').first().waitFor();
  assert.equal((await status()).trim(), 'Presa in carico');

  await page.getByLabel('Il tuo messaggio *', { exact: true }).fill(reclamo.reply);
  await page.getByRole('button', { name: 'Invia', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Messaggio inviato.' }).waitFor();
  await page.locator('.thread').getByText(reclamo.reply).waitFor();

  await page.getByRole('button', { name: 'Rispondi ed evadi' }).click();
  await page.getByLabel('Risposta al cittadino *', { exact: true }).fill(reclamo.resolution);
  await operator.audit('console request (resolve form)');
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.locator('[data-status=resolved]').first().waitFor();
  assert.equal((await status()).trim(), 'Evasa');
  await page.locator('.thread').getByText(reclamo.resolution).waitFor();
  await operator.audit('console request (resolved)');
  await screenshots(operator, 'console-request');
});

test('(a5) the citizen sees the reply and "Conclusa"', async () => {
  const { page } = citizen;
  await page.getByRole('navigation', { name: 'Menu principale' }).getByRole('link', { name: 'Area personale' }).click();
  await titled(citizen, 'Area personale');
  await citizen.audit('personal area (desk)');
  await page.getByRole('navigation', { name: "Menu dell'area personale" }).getByRole('link', { name: 'Pratiche', exact: true }).click();
  await titled(citizen, 'Le mie pratiche');
  const item = page.getByTestId('my-requests').locator('li').filter({ hasText: story.protocol });
  await item.waitFor();
  assert.equal((await item.locator('[data-status]').textContent()).trim(), 'Conclusa');
  await citizen.audit('my requests');
  await screenshots(citizen, 'my-requests');

  await item.getByRole('link', { name: reclamo.subject }).click();
  await titled(citizen, 'Pratica');
  await page.locator('.thread').getByText(reclamo.resolution).waitFor();
  assert.ok(await page.locator('.thread').getByText(reclamo.reply).isVisible());
  assert.equal((await page.locator('[data-status]').first().textContent()).trim(), 'Conclusa');
  assert.equal((await page.getByTestId('due-date').textContent()).trim(), story.dueDate);
  await citizen.audit('request detail (resolved)');
  await screenshots(citizen, 'request-detail');
});

test('(b) the register shows the reclamo resolved within the standard', async () => {
  const { page } = operator;
  await page.getByRole('navigation', { name: 'Navigazione della console' }).getByRole('link', { name: 'Registro TQRIF' }).click();
  await titled(operator, 'Registro TQRIF');
  const row = page.getByTestId('register-table').locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: 'Reclamo', exact: true }) });
  await row.waitFor();
  const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
  const [received, resolved, within, percent] = cells;
  assert.ok(Number(received) >= 1, `received ${received}`);
  assert.ok(Number(resolved) >= 1, `resolved ${resolved}`);
  assert.equal(within, resolved, 'every resolved reclamo is within the standard');
  assert.equal(percent, '100,0\u00a0%');
  // The chart draws the kind's bar against the target.
  assert.ok(await page.locator('svg.register-chart text', { hasText: 'Reclamo' }).count());
  await operator.audit('register');
  await screenshots(operator, 'console-register');

  // The CSV for ARERA lists the request, within the standard.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Scarica il registro (CSV)' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8');
  const line = csv.split('\n').find((l) => l.startsWith(`${story.protocol};`));
  assert.ok(line, `${story.protocol} is not in the CSV`);
  assert.match(line, /;reclamo;portal;/);
  assert.match(line, /;resolved;.*;si;/);
});

test('(c) a citizen cannot open the console', async () => {
  const { page } = citizen;
  for (const path of ['/console', '/console/registrazioni']) {
    citizen.skipAudit(path); // only passed through: the guard sends the citizen away
    await page.goto(server.url + path);
    await page.waitForURL(/\/area-personale$/, { timeout: 15000 });
    await titled(citizen, 'Area personale');
    assert.equal(await page.getByRole('navigation', { name: 'Navigazione della console' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Console operatori' }).count(), 0);
  }
  await citizen.audit('my requests (after trying the console)');
  // The API refuses too: the queue counters are staff only.
  citizen.allow(/status of 403/);
  const res = await page.evaluate(async () => {
    const token = await fetch('/api/v1/auth/refresh', { method: 'POST' }).then((r) => r.json());
    const r = await fetch('/api/v1/requests/counts', { headers: { authorization: `Bearer ${token.access_token}` } });
    return r.status;
  });
  assert.equal(res, 403);
});

test('nobody met a console error, and every page visited passed axe', () => {
  for (const who of [citizen, operator]) {
    assert.deepEqual(who.unexpected(), [], who.label);
    who.assertAllAudited();
  }
});
