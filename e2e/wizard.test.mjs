// The new-request wizard as the demo citizen, in real Chromium against the real server:
//  (a) each step has its own address: the browser's Back and Forward move between steps,
//      a reload keeps what was typed (not the files, as the upload step says), a step
//      asked for too early falls back to the first incomplete one; the H1 names the
//      service and the data step shows the applicant's own data; the file list shows
//      name and size ("1,2 MB") with a working remove button;
//  (b) errors: the summary takes focus, lists each field's own message as a link that
//      moves focus to the field, and typing fixes an error at once;
//  (c) a draft saved on the server is resumed from the personal area (the tab's copy
//      gone) and filed, and then it is gone from "Bozze"; another is deleted there.
// Every page is checked with axe at 1280 px and again at 360 px (screenshots()).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';
import { makePdf } from './lib/fixtures.mjs';

let server, browser, citizen;
const typed = {
  subject: 'Cassonetto del vetro rotto in via Garibaldi',
  description: 'Il cassonetto davanti al civico 8 ha il coperchio rotto da una settimana.',
  address: 'Via Garibaldi 8',
};

before(async () => {
  server = await startServer();
  browser = await launch();
  citizen = await person(browser, 'citizen');
});

after(async () => {
  try {
    citizen?.assertAllAudited();
    assert.deepEqual(citizen?.unexpected() ?? [], [], 'unexpected console errors');
  } finally {
    await browser?.close();
    await server?.stop();
  }
});

/** axe at 1280 px, then screenshots at both widths (axe again at 360 px). */
async function checked(name) {
  await citizen.audit(name);
  await screenshots(citizen, `wizard-${name.replace(/[^a-z0-9]+/gi, '-')}`);
}

/** The privacy consent, by keyboard (the styled checkbox hides the native one). */
async function consent(page) {
  const box = page.getByLabel("Ho letto e compreso l'informativa sulla privacy");
  await box.focus();
  await page.keyboard.press('Space');
  assert.ok(await box.isChecked());
}

const step = () => citizen.page.locator('#step-title');
const passo = (n) => new RegExp(`[?&]passo=${n}(&|$)`);

test('(a) each step has its address; Back, Forward and Reload keep what was typed', async () => {
  const { page } = citizen;
  const who = account(server.demo, 'citizen');
  await open(citizen, server.url, '/accedi');
  await citizen.audit('login');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(who.username);
  await page.getByLabel('Password *', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/accedi'));
  await page.locator('#page-title').waitFor();
  await citizen.audit('after sign-in');

  await open(citizen, server.url, '/nuova-richiesta?tipo=tari_reclamo');
  // The H1 is the service's name.
  await titled(citizen, 'Reclamo');
  await step().filter({ hasText: 'Informativa' }).waitFor();
  await checked('privacy');
  await consent(page);
  await page.getByRole('button', { name: 'Avanti' }).click();
  await page.waitForURL(passo(2));
  await page.waitForFunction(() => document.activeElement?.id === 'step-title');
  assert.ok(await page.getByRole('radio', { name: /^Reclamo/ }).isChecked());
  await checked('type');
  await page.getByRole('button', { name: 'Avanti' }).click();
  await page.waitForURL(passo(3));
  assert.match(page.url(), /tipo=tari_reclamo/);

  // The data step: the applicant's own data, then the form.
  const applicant = page.getByTestId('applicant');
  await applicant.getByRole('heading', { name: 'Dati del richiedente' }).waitFor();
  assert.match(await applicant.textContent(), /[A-Z0-9]{16}/, 'the codice fiscale is shown');
  assert.match(await applicant.textContent(), /@/, 'the e-mail address is shown');
  await page.getByLabel('Oggetto *', { exact: true }).fill(typed.subject);
  await page.getByLabel('Descrizione *', { exact: true }).fill(typed.description);
  await page.getByLabel('Servizio interessato *', { exact: true }).selectOption({ label: 'Raccolta e trasporto' });
  await page.getByLabel("Indirizzo dell'immobile").fill(typed.address);

  // Uploads: the list shows name and size, in Italian; each file can be removed.
  const files = page.getByRole('list', { name: 'File selezionati' });
  await page.locator('#attachments').setInputFiles([
    { name: 'foto.pdf', mimeType: 'application/pdf', buffer: makePdf('Cassonetto rotto') },
    { name: 'planimetria.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(1258291, 32) },
  ]);
  await files.getByText('planimetria.pdf').waitFor();
  assert.equal((await files.getByRole('listitem').count()), 2);
  assert.equal((await files.getByRole('listitem').filter({ hasText: 'planimetria.pdf' }).locator('.upload-file-weight').textContent()).trim(), '1,2 MB');
  await page.getByText('se la ricarichi, dovrai sceglierli di nuovo').waitFor();
  await checked('data');
  await files.getByRole('button', { name: 'Rimuovi foto.pdf' }).click();
  await page.getByText('File foto.pdf rimosso.').waitFor();
  assert.equal((await files.getByRole('listitem').count()), 1);
  await page.waitForFunction(() => document.activeElement?.id === 'attachments');

  // Back goes to the type step, Forward returns with the values in place.
  await page.goBack();
  await page.waitForURL(passo(2));
  await page.getByRole('radio', { name: /^Reclamo/ }).waitFor();
  await page.goForward();
  await page.waitForURL(passo(3));
  assert.equal(await page.getByLabel('Oggetto *', { exact: true }).inputValue(), typed.subject);
  assert.equal(await files.getByRole('listitem').count(), 1, 'the chosen file is still listed');

  // A reload keeps what was typed; the files must be chosen again.
  await page.reload();
  await page.getByLabel('Oggetto *', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('Oggetto *', { exact: true }).inputValue(), typed.subject);
  assert.equal(await page.getByLabel('Descrizione *', { exact: true }).inputValue(), typed.description);
  assert.equal(await page.getByLabel('Servizio interessato *', { exact: true }).inputValue(), 'raccolta');
  assert.equal(await page.getByLabel("Indirizzo dell'immobile").inputValue(), typed.address);
  await page.getByText('Nessun file selezionato.').waitFor();
  await titled(citizen, 'Reclamo');
  await citizen.audit('data (after a reload)');

  // The summary is reachable by address once the data are valid, and shows the applicant.
  await page.getByRole('button', { name: 'Avanti' }).click();
  await page.waitForURL(passo(4));
  await page.getByTestId('expected-due-date').waitFor();
  await page.getByTestId('applicant').waitFor();
  assert.ok(await page.getByText(typed.subject).isVisible());
  await checked('summary');

  // Without the tab's memory, a late step falls back to the first incomplete one.
  await page.evaluate(() => sessionStorage.clear());
  await page.goto(`${server.url}/nuova-richiesta?tipo=tari_reclamo&passo=4`);
  await page.waitForURL(passo(1));
  await step().filter({ hasText: 'Informativa' }).waitFor();
  assert.equal(await page.getByLabel('Oggetto *', { exact: true }).count(), 0);
});

test('(b) errors: a focused summary of each field\'s own message, fixed as one types', async () => {
  const { page } = citizen;
  await consent(page);
  await page.getByRole('button', { name: 'Avanti' }).click();
  await page.waitForURL(passo(2));
  await page.getByRole('button', { name: 'Avanti' }).click();
  await page.waitForURL(passo(3));
  await page.getByLabel('Oggetto *', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Avanti' }).click();

  const summary = page.locator('#error-summary');
  await summary.waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
  // Each message once, with the field's own name.
  assert.equal(await page.locator('#subject-error').textContent(), "Inserisci l'oggetto");
  assert.equal(await page.locator('#description-error').textContent(), 'Inserisci la descrizione');
  assert.equal(await page.locator('#field-servizio-error').textContent(), 'Compila il campo «Servizio interessato»');
  assert.equal((await summary.textContent()).split("Inserisci l'oggetto").length, 2, 'the message is in the summary once');
  assert.equal((await summary.textContent()).split('Alcuni campi non sono corretti').length, 2, 'the sentence is printed once');
  await checked('data with errors');

  // A link of the summary moves focus to its field.
  await summary.getByRole('link', { name: 'Inserisci la descrizione' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'description');
  await summary.getByRole('link', { name: "Inserisci l'oggetto" }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'subject');

  // Typing fixes the error at once, without a submit; the summary follows.
  await page.keyboard.type('B');
  await page.locator('#subject-error').waitFor({ state: 'detached' });
  assert.equal(await page.getByLabel('Oggetto *', { exact: true }).getAttribute('aria-invalid'), null);
  assert.equal(await summary.getByRole('link', { name: "Inserisci l'oggetto" }).count(), 0);
  await summary.getByRole('link', { name: 'Inserisci la descrizione' }).waitFor();
  await page.getByLabel('Descrizione *', { exact: true }).fill(typed.description);
  await page.locator('#description-error').waitFor({ state: 'detached' });
  await page.getByLabel('Servizio interessato *', { exact: true }).selectOption({ label: 'Raccolta e trasporto' });
  await summary.waitFor({ state: 'detached' });
  await citizen.audit('data (errors fixed)');
});

test('(c) a draft is resumed from the personal area and filed, then it is gone', async () => {
  const { page } = citizen;
  await page.getByLabel('Oggetto *', { exact: true }).fill(typed.subject);
  await page.getByRole('button', { name: 'Salva bozza' }).click();
  await page.getByRole('status').filter({ hasText: 'Bozza salvata' }).waitFor();
  await citizen.audit('data (draft saved)');

  // Only the server has it now.
  await page.evaluate(() => sessionStorage.clear());
  await open(citizen, server.url, '/area-personale/pratiche');
  const drafts = page.getByTestId('drafts');
  await drafts.getByRole('heading', { name: 'Bozze' }).waitFor();
  const draft = drafts.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Reclamo' }) });
  await draft.getByText(typed.subject).waitFor();
  await checked('personal area with a draft');

  await draft.getByRole('link', { name: 'Riprendi' }).click();
  await page.waitForURL(passo(3));
  await titled(citizen, 'Reclamo');
  assert.equal(await page.getByLabel('Oggetto *', { exact: true }).inputValue(), typed.subject);
  assert.equal(await page.getByLabel('Descrizione *', { exact: true }).inputValue(), typed.description);
  await citizen.audit('data (resumed draft)');
  await page.getByRole('button', { name: 'Avanti' }).click();
  await page.waitForURL(passo(4));
  await page.getByRole('button', { name: 'Conferma e invia' }).click();
  await page.getByTestId('protocol-number').waitFor();
  await checked('confirmation');
  // Back from the confirmation does not offer to file again.
  await page.goBack();
  await page.getByTestId('protocol-number').waitFor();

  await open(citizen, server.url, '/area-personale/pratiche');
  await page.getByTestId('drafts').getByText('Non hai bozze salvate.').waitFor();
  await citizen.audit('personal area (draft filed)');

  // Another draft, deleted from the personal area.
  await open(citizen, server.url, '/nuova-richiesta?tipo=tari_informazioni&passo=3');
  await page.getByLabel('Oggetto *', { exact: true }).fill('Orari della raccolta');
  await page.getByRole('button', { name: 'Salva bozza' }).click();
  await page.getByRole('status').filter({ hasText: 'Bozza salvata' }).waitFor();
  await open(citizen, server.url, '/area-personale/pratiche');
  const other = page.getByTestId('drafts').getByRole('listitem').filter({ hasText: 'Orari della raccolta' });
  page.once('dialog', (d) => d.accept());
  await other.getByRole('button', { name: 'Elimina' }).click();
  await page.getByRole('status').filter({ hasText: 'Bozza eliminata.' }).waitFor();
  await page.getByTestId('drafts').getByText('Non hai bozze salvate.').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'drafts-title');
  await citizen.audit('personal area (draft deleted)');
});
