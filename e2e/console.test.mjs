// The console beyond the main journey: an operator rejects a registration with a reason;
// an administrator goes through every administration page (settings are saved back, the
// patron saint picked as day and month — 31 June refused —, a closure day added with its
// date picker and removed again; a document and a FAQ published there appear on the
// public pages), edits an account in a form (role, offices, active: a deactivated operator's session ends at their next step),
// mails it a password-reset link, and reads the audit log with the client's address.
// axe on every page, as everywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';
import { makePdf, randomCodiceFiscale } from './lib/fixtures.mjs';
import { identityDocumentShown } from './lib/document.mjs';
import { mails, waitForMailTo } from './lib/mailsink.mjs';

let server, browser, operator, admin, visitor, paolo;

before(async () => {
  server = await startServer();
  browser = await launch();
  operator = await person(browser, 'operator');
  admin = await person(browser, 'admin');
  visitor = await person(browser, 'visitor');
  paolo = await person(browser, 'operator (raccolta)');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Sets a checkbox by keyboard (focus, Space), as the other tests do. */
async function setChecked(box, on) {
  if ((await box.isChecked()) !== on) {
    await box.focus();
    await box.page().keyboard.press('Space');
  }
  assert.equal(await box.isChecked(), on);
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

/** A registration sent straight to the API, as another browser would. */
async function register(email) {
  const form = new FormData();
  form.append('data', new Blob([JSON.stringify({
    fiscal_code: randomCodiceFiscale(),
    first_name: 'Anna',
    last_name: 'Neri',
    email,
    password: 'Sportello-2026!e2e',
    privacy_accepted: true,
  })], { type: 'application/json' }));
  form.append('identity_document', new Blob([makePdf('Documento non leggibile')], { type: 'application/pdf' }), 'documento.pdf');
  const res = await fetch(`${server.url}/api/v1/auth/register`, { method: 'POST', body: form });
  assert.equal(res.status, 202, await res.text());
}

test('an operator rejects a registration, giving the reason', async () => {
  const email = `anna.neri.${Date.now()}@example.it`;
  await register(email);
  const { page } = operator;
  await login(operator, account(server.demo, 'operator', /tributi/));
  await operator.audit('console queue');
  await page.getByRole('link', { name: 'Registrazioni da verificare' }).click();
  const card = page.getByTestId('registration').filter({ hasText: email });
  await card.waitFor();
  await identityDocumentShown(operator, card);
  await card.getByRole('button', { name: 'Respingi' }).click();
  await card.getByRole('button', { name: 'Conferma' }).click();
  await card.getByText('Indica il motivo del rifiuto').waitFor();
  await operator.audit('registrations (reason missing)');
  await card.getByLabel('Motivo del rifiuto *', { exact: true }).fill('Il documento allegato non è leggibile: caricane uno nitido.');
  await card.getByRole('button', { name: 'Conferma' }).click();
  await page.getByRole('status').filter({ hasText: 'Registrazione respinta.' }).waitFor();
  await card.waitFor({ state: 'detached' });
  await operator.audit('registrations (rejected)');
  // Operators do not see the administration.
  assert.equal(await page.getByRole('link', { name: "Impostazioni dell'ente" }).count(), 0);
});

test('an administrator goes through every administration page', async () => {
  const { page } = admin;
  await login(admin, account(server.demo, 'admin'));
  await admin.audit('console queue (admin)');
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  for (const [link, ready] of [
    ['Uffici', page.getByText('Ufficio Tributi').first()],
    ['Utenti', page.getByText('operatore.tributi@comune.esempio.it')],
    ['Regole di smistamento', page.locator('select').first()],
    ['Documenti pubblicati', page.getByText('Regolamento TARI').first()],
    ['Domande frequenti', page.getByText('Chi deve pagare la TARI?').first()],
  ]) {
    await nav.getByRole('link', { name: link }).click();
    await titled(admin, link);
    await ready.waitFor();
    await admin.audit(`admin: ${link}`);
  }

  // A document and a FAQ published here appear on the public pages.
  await nav.getByRole('link', { name: 'Documenti pubblicati' }).click();
  await titled(admin, 'Documenti pubblicati');
  await page.getByLabel('Titolo *', { exact: true }).fill('Tariffe TARI 2027');
  await page.getByLabel('Categoria', { exact: true }).fill('Tariffe');
  await page.getByLabel('File *', { exact: true }).setInputFiles({ name: 'tariffe-2027.pdf', mimeType: 'application/pdf', buffer: makePdf('Tariffe TARI 2027') });
  await page.getByRole('button', { name: 'Aggiungi' }).click();
  await page.getByRole('status').filter({ hasText: 'Modifiche salvate.' }).waitFor();
  await page.getByText('Tariffe TARI 2027').waitFor();
  await admin.audit('admin: documents (added)');
  await nav.getByRole('link', { name: 'Domande frequenti' }).click();
  await titled(admin, 'Domande frequenti');
  await page.getByLabel('Domanda *', { exact: true }).fill('Posso pagare la TARI con PagoPA?');
  await page.getByLabel('Risposta *', { exact: true }).fill('Sì: ogni avviso riporta il codice per pagare con PagoPA.');
  await page.getByRole('button', { name: 'Aggiungi' }).click();
  await page.getByRole('status').filter({ hasText: 'Modifiche salvate.' }).waitFor();
  await admin.audit('admin: FAQ (added)');
  await open(visitor, server.url, '/documenti');
  await visitor.page.getByRole('link', { name: /Tariffe TARI 2027/ }).waitFor();
  await visitor.audit('documents (new one)');
  await open(visitor, server.url, '/faq');
  await visitor.page.getByRole('button', { name: 'Posso pagare la TARI con PagoPA?' }).waitFor();
  await visitor.audit('FAQ (new one)');

  await nav.getByRole('link', { name: "Impostazioni dell'ente" }).click();
  await titled(admin, "Impostazioni dell'ente");
  // The patron saint is a day and a month (it recurs), the closures date pickers.
  const patron = page.getByRole('group', { name: 'Santo patrono' });
  const day = patron.getByLabel('Giorno', { exact: true });
  const month = patron.getByLabel('Mese', { exact: true });
  await day.waitFor();
  assert.deepEqual([await day.inputValue(), await month.inputValue()], ['24', '6']);
  assert.equal(await month.locator('option:checked').textContent(), 'giugno');
  const closures = page.getByRole('group', { name: 'Giorni di chiusura' });
  await admin.audit('admin: settings');
  await screenshots(admin, 'console-settings');
  // 31 June does not exist: said under the day, nothing saved.
  await day.selectOption('31');
  await page.getByRole('button', { name: 'Salva' }).click();
  await page.locator('#s-patron-day-error').filter({ hasText: 'questo giorno non esiste nel mese scelto' }).waitFor();
  assert.equal(await day.getAttribute('aria-invalid'), 'true');
  await admin.audit('admin: settings (bad patron day)');
  await day.selectOption('29');
  const before = await closures.locator('input[type=date]').count();
  await closures.getByRole('button', { name: 'Aggiungi un giorno di chiusura' }).click();
  const added = closures.getByLabel(`Giorno di chiusura ${before + 1}`, { exact: true });
  assert.equal(await added.getAttribute('type'), 'date');
  assert.equal(await page.evaluate(() => document.activeElement?.type), 'date', 'the new picker has the focus');
  await added.fill('2027-09-03');
  await page.getByRole('button', { name: 'Salva' }).click();
  await page.getByRole('status').filter({ hasText: 'Modifiche salvate.' }).waitFor();
  await admin.audit('admin: settings (saved)');
  await page.reload();
  await titled(admin, "Impostazioni dell'ente");
  await day.waitFor();
  assert.deepEqual([await day.inputValue(), await month.inputValue()], ['29', '6']);
  // Kept, in date order among the others.
  const dates = () => closures.locator('input[type=date]').evaluateAll((all) => all.map((i) => i.value));
  const kept = await dates();
  assert.equal(kept.length, before + 1);
  assert.deepEqual(kept, [...kept].sort());
  const at = kept.indexOf('2027-09-03') + 1;
  assert.ok(at > 0, `closure days: ${kept}`);
  // Removed again, and the patron saint back to 24 June.
  await closures.getByRole('button', { name: `Rimuovi il giorno di chiusura ${at}` }).click();
  assert.deepEqual(await dates(), kept.filter((d) => d !== '2027-09-03'));
  await day.selectOption('24');
  await page.getByRole('button', { name: 'Salva' }).click();
  await page.getByRole('status').filter({ hasText: 'Modifiche salvate.' }).waitFor();
  await page.reload();
  await titled(admin, "Impostazioni dell'ente");
  await day.waitFor();
  assert.equal(await day.inputValue(), '24');
  assert.deepEqual(await dates(), kept.filter((d) => d !== '2027-09-03'));
  await admin.audit('admin: settings (restored)');
});

test('an administrator checks the pagoPA settings: a field error, then saved and kept', async () => {
  const { page } = admin;
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  await nav.getByRole('link', { name: 'Impostazioni pagoPA' }).click();
  await titled(admin, 'Impostazioni pagoPA');
  const iban = page.getByLabel('IBAN di accredito', { exact: true });
  await iban.waitFor();
  const stored = await iban.inputValue();
  assert.match(stored, /^IT\d{2}/, 'the demo Comune has its IBAN');
  // The GPD key is write-only: the field is empty and says one is stored.
  assert.equal(await page.getByLabel('Chiave di sottoscrizione GPD', { exact: true }).inputValue(), '');
  await page.locator('#pp-gpd-key-help').filter({ hasText: 'Una chiave è salvata' }).waitFor();
  await admin.audit('admin: pagoPA settings');
  // One digit changed: the check digits no longer match, said under the field before
  // anything is sent; a Provincia without its IBAN is refused the same way.
  await iban.fill(stored.slice(0, -1) + (stored.endsWith('9') ? '8' : '9'));
  await page.getByRole('button', { name: 'Salva' }).click();
  await page.locator('#pp-iban-error').waitFor();
  await iban.fill(stored);
  await page.getByLabel('Codice fiscale della Provincia', { exact: true }).fill('80000870503');
  await page.getByRole('button', { name: 'Salva' }).click();
  await page.locator('#pp-tefa-iban-error').filter({ hasText: 'IBAN' }).waitFor();
  await admin.audit('admin: pagoPA settings (field errors)');
  await page.getByLabel('Codice fiscale della Provincia', { exact: true }).fill('');
  await page.getByLabel('Giorni prima della scadenza', { exact: true }).fill('10, 3');
  await page.getByRole('button', { name: 'Salva' }).click();
  await page.getByRole('status').filter({ hasText: 'Impostazioni pagoPA salvate.' }).waitFor();
  await page.reload();
  await titled(admin, 'Impostazioni pagoPA');
  const days = page.getByLabel('Giorni prima della scadenza', { exact: true });
  await days.waitFor();
  assert.equal(await days.inputValue(), '10, 3');
  assert.equal(await page.getByLabel('IBAN di accredito', { exact: true }).inputValue(), stored);
  const who = account(server.demo, 'admin');
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: who.username, password: who.password }),
  });
  const { access_token: token } = await login.json();
  const res = await fetch(`${server.url}/api/v1/settings`, { headers: { authorization: `Bearer ${token}` } });
  assert.deepEqual((await res.json()).pagopa.reminder_days, [10, 3], 'the API holds what the form saved');
  // Put the demo's reminder days back for the other files.
  await days.fill('7, 1');
  await page.getByRole('button', { name: 'Salva' }).click();
  await page.getByRole('status').filter({ hasText: 'Impostazioni pagoPA salvate.' }).waitFor();
  await admin.audit('admin: pagoPA settings (saved)');
  await screenshots(admin, 'console-pagopa-settings');
});

test('an administrator edits an account in a form and mails it a password-reset link', async () => {
  const { page } = admin;
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  const paoloAccount = account(server.demo, 'operator', /raccolta/);
  // Paolo is at work in the console meanwhile.
  await login(paolo, paoloAccount);
  await paolo.audit('console queue (raccolta)');

  await nav.getByRole('link', { name: 'Utenti' }).click();
  await titled(admin, 'Utenti');
  const row = page.getByRole('row').filter({ hasText: paoloAccount.username });
  assert.match(await row.textContent(), /Operatore.*Gestore raccolta.*Attivo/);
  const edit = row.getByRole('button', { name: 'Modifica Paolo Ricci' });
  assert.equal(await edit.getAttribute('aria-expanded'), 'false');
  await edit.click();
  const editor = page.locator('#user-edit');
  await editor.getByRole('heading', { name: "Modifica l'utente Paolo Ricci" }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'user-edit-title');
  assert.equal(await edit.getAttribute('aria-expanded'), 'true');
  assert.equal(await editor.getByLabel('Ruolo *').inputValue(), 'operator');
  assert.ok(await editor.getByLabel('Gestore raccolta').isChecked());
  assert.ok(!(await editor.getByLabel('Ufficio Tecnico').isChecked()));
  assert.ok(await editor.getByLabel('Account attivo').isChecked());
  await admin.audit('admin: user form');
  await screenshots(admin, 'console-user-form');

  // Role and offices.
  await editor.getByLabel('Ruolo *').selectOption('supervisor');
  await setChecked(editor.getByLabel('Ufficio Tecnico'), true);
  await editor.getByRole('button', { name: 'Salva' }).click();
  await editor.getByRole('status').filter({ hasText: 'Modifiche salvate.' }).waitFor();
  await row.filter({ hasText: 'Responsabile' }).filter({ hasText: 'Ufficio Tecnico' }).waitFor();
  assert.match(await row.textContent(), /Gestore raccolta/);
  await admin.audit('admin: user saved');

  // Deactivated: Paolo's session ends at once, and his next step says so.
  await setChecked(editor.getByLabel('Account attivo'), false);
  await editor.getByRole('button', { name: 'Salva' }).click();
  await row.filter({ hasText: 'Disattivato' }).waitFor();
  // The register page's four calls (two for the register, one for the questions solved
  // without a request, one for the ratings) and the refresh they share are refused.
  paolo.allow(/status of (401|403)/, 5);
  paolo.skipAudit('/console/registro'); // only passed through
  await paolo.page.getByRole('navigation', { name: 'Navigazione della console' }).getByRole('link', { name: 'Registro TQRIF' }).click();
  await paolo.page.waitForURL(/\/console\/accedi\?next=%2Fconsole%2Fregistro$/);
  await paolo.page.getByRole('alert').filter({ hasText: 'La sessione è terminata: accedi di nuovo' }).waitFor();
  await titled(paolo, 'Accesso operatori');
  await paolo.audit('console login after the session ended');
  await screenshots(paolo, 'console-login-session-ended');

  // Back as he was.
  await editor.getByLabel('Ruolo *').selectOption('operator');
  await setChecked(editor.getByLabel('Ufficio Tecnico'), false);
  await setChecked(editor.getByLabel('Account attivo'), true);
  await editor.getByRole('button', { name: 'Salva' }).click();
  await row.filter({ hasText: /Operatore.*Gestore raccolta.*Attivo/ }).waitFor();
  assert.doesNotMatch(await row.textContent(), /Ufficio Tecnico/);

  // A reset link, and its outcome; the fourth within 30 minutes is refused.
  const since = new Set(mails());
  const send = editor.getByRole('button', { name: 'Invia link per reimpostare la password' });
  await send.click();
  await editor.getByRole('status').filter({ hasText: `Collegamento inviato a ${paoloAccount.username}.` }).waitFor();
  await admin.audit('admin: reset link sent');
  await waitForMailTo(paoloAccount.username, /recupero-password\?token=/, { since });
  admin.allow(/status of 429/);
  const statuses = [];
  for (let i = 0; i < 3; i += 1) {
    const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/password-reset')), send.click()]);
    statuses.push(res.status());
  }
  assert.deepEqual(statuses, [202, 202, 429]);
  await editor.getByRole('alert').filter({ hasText: 'Troppe richieste' }).waitFor();
  await admin.audit('admin: reset link refused');
  await editor.getByRole('button', { name: 'Chiudi' }).click();
  assert.equal(await editor.locator('form').count(), 0);
});

test('the audit log shows who did what, with the client address', async () => {
  const { page } = admin;
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  await nav.getByRole('link', { name: 'Registro attività' }).click();
  await titled(admin, 'Registro attività');
  const log = page.getByTestId('audit-log');
  const update = log.getByRole('row').filter({ hasText: 'user.update' }).first();
  await update.waitFor();
  assert.match(await update.textContent(), /Laura Ferri/);
  const signIn = log.getByRole('row').filter({ hasText: 'auth.login' }).first();
  assert.equal(await signIn.getByTestId('audit-ip').textContent(), '127.0.0.1');
  await admin.audit('admin: audit log');
  await screenshots(admin, 'console-audit-log');
  await update.getByText('Dettagli').click();
  await update.getByText('"active"', { exact: false }).first().waitFor();
  await admin.audit('admin: audit log (details)');
});

test('no console error, and every page visited passed axe', () => {
  for (const who of [operator, admin, visitor, paolo]) {
    assert.deepEqual(who.unexpected(), [], who.label);
    who.assertAllAudited();
  }
});
