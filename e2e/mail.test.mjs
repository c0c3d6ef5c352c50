// E-mail, PEC and notifications in the web app: an administrator adds a mailbox, tests
// its connection (no mail server listens in these tests, so the outcome is the failure,
// which must read as a clear Italian message), edits and deletes it, and saves the SMS and
// App IO settings; an operator forwards a request by e-mail (delivered to the SMTP sink and
// listed among the request's mails as sent, with its headers), downloads the request as a PDF and
// mails the PDF; the demo citizen chooses contact channels, which survive a reload.
// axe on every page, as everywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';
import { waitForMail } from './lib/mailsink.mjs';
import { appendMail, imapServer } from './lib/imap.mjs';

let server, browser, admin, operator, citizen, mario, request;

async function api(path, token, body, method) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method: method || (body ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function token(acc) {
  return (await api('/auth/login', null, { username: acc.username, password: acc.password })).access_token;
}

/** A loopback port nobody listens on: connections to it are refused at once. */
function closedPort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

before(async () => {
  server = await startServer();
  browser = await launch();
  admin = await person(browser, 'admin');
  operator = await person(browser, 'operator');
  citizen = await person(browser, 'citizen');
  mario = account(server.demo, 'citizen');
  request = await api('/requests', await token(mario), {
    type: 'tari_informazioni',
    subject: 'Conferimento sfalci di potatura',
    description: 'Dove posso conferire gli sfalci di potatura del giardino? Richiesta di prova dei test end-to-end.',
    fields: {},
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function login(who, acc) {
  const { page } = who;
  // Staff sign in at the console's own page.
  await open(who, server.url, acc.role === 'citizen' ? '/accedi' : '/console/accedi');
  await who.audit(`login (${who.label})`);
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
}

const status = (page, text) => page.getByRole('status').filter({ hasText: text });

/** Sets a checkbox by keyboard (focus, Space), as the other tests do. */
async function setChecked(box, on) {
  if ((await box.isChecked()) !== on) {
    await box.focus();
    await box.page().keyboard.press('Space');
  }
  assert.equal(await box.isChecked(), on);
}

test('an administrator adds a mailbox, tests its connection, edits and deletes it', async () => {
  const { page } = admin;
  await login(admin, account(server.demo, 'admin'));
  await page.waitForURL(/\/console$/);
  await titled(admin, 'Coda delle pratiche');
  await admin.audit('console queue (admin)');
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  await nav.getByRole('link', { name: 'Caselle di posta' }).click();
  await titled(admin, 'Caselle di posta');
  await page.getByText('Nessuna casella configurata.').waitFor();
  await admin.audit('admin: mailboxes (none)');

  // The server's own checks come back on the fields.
  const form = page.getByTestId('mailbox-form');
  await form.getByLabel('Nome *', { exact: true }).fill('Protocollo');
  await form.getByLabel('Indirizzo e-mail *', { exact: true }).fill('protocollo@');
  await form.getByRole('button', { name: 'Aggiungi casella' }).click();
  await page.locator('#mb-address-error').filter({ hasText: 'Indirizzo e-mail non valido' }).waitFor();
  admin.allow(/status of 422/);
  await admin.audit('admin: mailboxes (field error)');

  const [imapPort, smtpPort] = [await closedPort(), await closedPort()];
  await form.getByLabel('Indirizzo e-mail *', { exact: true }).fill('protocollo@comune.esempio.it');
  await form.locator('#mb-imap-host').fill('127.0.0.1');
  await form.locator('#mb-imap-port').fill(String(imapPort));
  await form.locator('#mb-imap-security').selectOption('plain');
  await form.locator('#mb-imap-user').fill('protocollo');
  await form.locator('#mb-imap-password').fill('segreta-imap');
  // Not polled in the background while the other tests run.
  await setChecked(form.getByLabel('Controlla la posta in arrivo'), false);
  await form.locator('#mb-smtp-host').fill('127.0.0.1');
  await form.locator('#mb-smtp-port').fill(String(smtpPort));
  await form.locator('#mb-smtp-security').selectOption('plain');
  await form.getByRole('button', { name: 'Aggiungi casella' }).click();
  await status(form, 'Modifiche salvate.').waitFor();
  const card = page.getByTestId('mailbox').filter({ hasText: 'protocollo@comune.esempio.it' });
  await card.waitFor();
  await card.getByText(`Ricezione (IMAP): 127.0.0.1:${imapPort}`).waitFor();
  await admin.audit('admin: mailboxes (added)');

  // Nothing listens there: the test fails, and says so in Italian, server by server.
  await card.getByRole('button', { name: 'Verifica connessione' }).click();
  const outcome = card.getByTestId('connection-test').getByRole('status');
  await outcome.filter({ hasText: 'Connessione non riuscita' }).waitFor({ timeout: 30000 });
  const said = await outcome.textContent();
  assert.match(said, /Connessione non riuscita: controlla server, porta, sicurezza e credenziali\./);
  assert.match(said, /Ricezione \(IMAP\): non riuscita/);
  assert.match(said, /Invio \(SMTP\): non riuscita/);
  assert.ok(await outcome.evaluate((el) => el.classList.contains('alert-danger')), 'the failure is not shown as an error');
  await admin.audit('admin: mailboxes (connection test failed)');
  await screenshots(admin, 'console-mailboxes');

  // Edit: the form fills in, the stored password is kept unless retyped.
  await card.getByRole('button', { name: 'Modifica Protocollo' }).click();
  await titled(admin, 'Caselle di posta');
  await form.getByRole('heading', { name: 'Modifica la casella' }).waitFor();
  assert.equal(await form.getByLabel('Indirizzo e-mail *', { exact: true }).inputValue(), 'protocollo@comune.esempio.it');
  await form.getByText('Una password è salvata: lascia vuoto per non cambiarla.').waitFor();
  await form.getByLabel('Nome *', { exact: true }).fill('Protocollo generale');
  await form.getByLabel('Tipo *', { exact: true }).selectOption({ label: 'PEC' });
  await form.getByRole('button', { name: 'Salva modifiche' }).click();
  await status(form, 'Modifiche salvate.').waitFor();
  const edited = page.getByTestId('mailbox').filter({ hasText: 'Protocollo generale' });
  await edited.getByText('PEC', { exact: true }).waitFor();
  await admin.audit('admin: mailboxes (edited)');

  // Delete, after the browser's confirmation.
  page.once('dialog', (d) => d.accept());
  await edited.getByRole('button', { name: 'Elimina Protocollo generale' }).click();
  await status(page, 'Casella eliminata.').waitFor();
  await page.getByText('Nessuna casella configurata.').waitFor();
  await admin.audit('admin: mailboxes (deleted)');
});

test('an administrator saves the SMS gateway and App IO settings', async () => {
  const { page } = admin;
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  await nav.getByRole('link', { name: 'Canali di notifica' }).click();
  await titled(admin, 'Canali di notifica');
  const form = page.getByTestId('channels-form');
  await form.getByLabel('Indirizzo del gateway SMS', { exact: true }).waitFor();
  await admin.audit('admin: notification channels');

  await form.getByLabel('Indirizzo del gateway SMS', { exact: true }).fill('sms.esempio.it/invio');
  await form.getByRole('button', { name: 'Salva' }).click();
  await page.locator('#ch-sms-url-error').filter({ hasText: 'Indirizzo non valido' }).waitFor();
  admin.allow(/status of 422/);
  await admin.audit('admin: notification channels (field error)');

  await form.getByLabel('Indirizzo del gateway SMS', { exact: true }).fill('https://sms.esempio.it/invio');
  await form.getByLabel('Mittente degli SMS', { exact: true }).fill('Comune');
  await form.getByLabel('Token del gateway', { exact: true }).fill('token-sms-e2e');
  await form.getByLabel('Indirizzo del servizio IO', { exact: true }).fill('https://api.io.pagopa.it/api/v1');
  await form.getByLabel('Chiave API del servizio IO', { exact: true }).fill('chiave-io-e2e');
  await form.getByLabel('Indirizzo pubblico del portale', { exact: true }).fill(server.url);
  await form.getByRole('button', { name: 'Salva' }).click();
  await status(form, 'Modifiche salvate.').waitFor();
  // Secrets are write-only: the field empties and says one is stored.
  assert.equal(await form.getByLabel('Token del gateway', { exact: true }).inputValue(), '');
  await form.locator('#ch-sms-token-help').filter({ hasText: 'Salvato' }).waitFor();
  await admin.audit('admin: notification channels (saved)');

  await page.reload();
  await titled(admin, 'Canali di notifica');
  const url = form.getByLabel('Indirizzo del gateway SMS', { exact: true });
  await url.waitFor();
  assert.equal(await url.inputValue(), 'https://sms.esempio.it/invio');
  assert.equal(await form.getByLabel('Mittente degli SMS', { exact: true }).inputValue(), 'Comune');
  assert.equal(await form.getByLabel('Indirizzo del servizio IO', { exact: true }).inputValue(), 'https://api.io.pagopa.it/api/v1');
  await form.locator('#ch-io-key-help').filter({ hasText: 'Salvato' }).waitFor();
  await admin.audit('admin: notification channels (reloaded)');
  await screenshots(admin, 'console-notification-channels');
});

test('an operator forwards a request by e-mail and sees it queued among its mails', async () => {
  const { page } = operator;
  await login(operator, account(server.demo, 'operator', /tributi/));
  await page.waitForURL(/\/console$/);
  await titled(operator, 'Coda delle pratiche');
  await operator.audit('console queue');
  await open(operator, server.url, `/console/pratiche/${request.id}`);
  await titled(operator, `Pratica ${request.protocol_number}`);
  // The notice of receipt to the citizen may already be queued there.
  const mails = page.getByRole('region', { name: 'E-mail e PEC' });
  await mails.getByText('Nessuna e-mail per questa pratica.').or(mails.getByTestId('mails')).waitFor();
  await operator.audit('console request');

  const form = page.getByTestId('send-mail');
  await form.getByLabel('Tipo di invio').selectOption({ label: 'Inoltro ad altri (nota interna)' });
  // A forward needs recipients, and every mail a text.
  await form.getByRole('button', { name: 'Invia e-mail' }).click();
  await page.locator('#mail-to-error').filter({ hasText: 'Indica a chi inoltrare' }).waitFor();
  await page.locator('#mail-body-error').waitFor();
  await operator.audit('console request (mail form errors)');

  await form.getByLabel('Destinatari', { exact: true }).fill('ufficio.ambiente@comune.esempio.it');
  await form.getByLabel('Oggetto (facoltativo)', { exact: true }).fill('Sfalci di potatura: competenza Ambiente');
  await form.getByLabel("Testo dell'e-mail *", { exact: true }).fill('Buongiorno, inoltro la richiesta del cittadino sul conferimento degli sfalci: è di vostra competenza.');
  await form.getByRole('button', { name: 'Invia e-mail' }).click();
  await status(form, "E-mail messa in coda per l'invio").waitFor();

  // The outbox holds it with its recipient, subject and headers; the worker delivers it to
  // the SMTP sink, and after a reload the list says it was sent. The thread records the
  // forward as an internal note.
  const item = mails.getByTestId('mail').filter({ hasText: 'ufficio.ambiente@comune.esempio.it' });
  await item.waitFor();
  await item.getByText('Sfalci di potatura: competenza Ambiente').waitFor();
  const delivered = await waitForMail([/^To: ufficio\.ambiente@comune\.esempio\.it/m, /Sfalci di potatura/]);
  assert.match(delivered, new RegExp(`Prot\\. ${request.protocol_number.replace('/', '\\/')}`));
  await page.reload();
  await item.locator('[data-outcome="sent"]').waitFor();
  await page.locator('.thread').getByText('Inoltrata per e-mail a ufficio.ambiente@comune.esempio.it').waitFor();
  const headers = item.getByRole('button', { name: 'Intestazioni' });
  await headers.click();
  assert.equal(await headers.getAttribute('aria-expanded'), 'true');
  const shown = item.getByTestId('mail-headers');
  await shown.waitFor();
  assert.match(await shown.textContent(), /To: ufficio\.ambiente@comune\.esempio\.it/);
  assert.match(await shown.textContent(), /Subject: .*Sfalci di potatura: competenza Ambiente/);
  await operator.audit('console request (mail queued, headers)');
  await screenshots(operator, 'console-request-mail');
});

test('an operator downloads the request as a PDF and mails it', async () => {
  const { page } = operator;
  const panel = page.getByRole('region', { name: 'Esporta la pratica' });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Esporta PDF' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.pdf$/);
  assert.ok(readFileSync(await download.path()).subarray(0, 5).equals(Buffer.from('%PDF-')), 'the export is not a PDF');
  await status(panel, 'PDF della pratica scaricato.').waitFor();

  await panel.getByLabel('Destinatari *', { exact: true }).fill('revisore@esempio.it');
  await panel.getByLabel('Nota di accompagnamento (facoltativa)', { exact: true }).fill('In allegato la pratica completa.');
  await panel.getByRole('button', { name: 'Invia PDF' }).click();
  await status(panel, "PDF della pratica messo in coda per l'invio.").waitFor();
  assert.equal(await panel.getByLabel('Destinatari *', { exact: true }).inputValue(), '');
  await operator.audit('console request (PDF exported and mailed)');
});

test('the citizen chooses contact channels, which survive a reload', async () => {
  const { page } = citizen;
  await login(citizen, mario);
  await page.waitForURL(/\/area-personale$/);
  await titled(citizen, 'Area personale');
  await citizen.audit('my requests');
  await page.getByRole('navigation', { name: "Menu dell'area personale" }).getByRole('link', { name: 'Preferenze', exact: true }).click();
  await titled(citizen, 'Preferenze di contatto');
  const email = page.getByLabel(/^E-mail \(/);
  const sms = page.getByLabel(/^SMS \(\+39/);
  const io = page.getByLabel(/^App IO \(/);
  await email.waitFor();
  await citizen.audit('contact preferences');
  const before = { email: await email.isChecked(), sms: await sms.isChecked(), app_io: await io.isChecked() };

  await setChecked(sms, true);
  await setChecked(io, true);
  await setChecked(email, false);
  await page.getByLabel('Lingua degli avvisi').selectOption('en');
  await page.getByRole('button', { name: 'Salva' }).click();
  await status(page, 'Modifiche salvate.').waitFor();
  await citizen.audit('contact preferences (saved)');

  await page.reload();
  await titled(citizen, 'Preferenze di contatto');
  await email.waitFor();
  assert.equal(await sms.isChecked(), true);
  assert.equal(await io.isChecked(), true);
  assert.equal(await email.isChecked(), false);
  assert.equal(await page.getByLabel('Lingua degli avvisi').inputValue(), 'en');
  await citizen.audit('contact preferences (reloaded)');
  await screenshots(citizen, 'contact-preferences');

  // Back as they were: the other test files share this citizen.
  await api('/me/preferences', await token(mario), { ...before, lang: 'it' }, 'PUT');
});

test('no console error, and every page visited passed axe', () => {
  for (const who of [admin, operator, citizen]) {
    assert.deepEqual(who.unexpected(), [], who.label);
    who.assertAllAudited();
  }
});

test('a mail from an unverified sender waits until an office links it to the citizen', async () => {
  // A mailbox on the test Dovecot, polled by the server. No authserv-id is configured, so
  // no sender counts as authenticated: whoever the From says, the mail is nobody's yet.
  const adminToken = await token(account(server.demo, 'admin'));
  const marioToken = await token(mario);
  const me = await api('/me', marioToken);
  const user = `arrivo-${Date.now()}`;
  const { host, port, password } = imapServer();
  const box = await api('/mailboxes', adminToken, {
    name: 'Posta in arrivo', kind: 'email', address: 'arrivo@comune.esempio.it',
    imap_host: host, imap_port: port, imap_security: 'plain', imap_username: user, imap_password: password,
    inbound_enabled: true,
  });
  const subject = `Cassonetto rotto in via Verdi ${Date.now()}`;
  await appendMail(user, [
    `From: Mario Rossi <${me.email}>`,
    'To: arrivo@comune.esempio.it',
    `Subject: ${subject}`,
    `Message-ID: <${user}@esempio.it>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Il cassonetto della carta in via Verdi è rotto da una settimana.',
    '',
  ].join('\n'));
  let filed;
  for (const deadline = Date.now() + 20000; !filed; await new Promise((r) => setTimeout(r, 300))) {
    filed = (await api(`/requests?limit=10&q=${encodeURIComponent('via Verdi')}`, adminToken)).items
      .find((r) => r.subject === subject);
    assert.ok(filed || Date.now() < deadline, 'the mail never became a request');
  }
  // Lists give summaries: the unverified-sender mark is on the request itself.
  filed = await api(`/requests/${filed.id}`, adminToken);
  assert.equal(filed.sender_unverified, true);
  assert.notEqual(filed.citizen?.id, me.id, 'an unverified mail was filed under the citizen it names');

  const { page } = admin;
  await open(admin, server.url, `/console/pratiche/${filed.id}`);
  await titled(admin, `Pratica ${filed.protocol_number}`);
  const panel = page.getByRole('region', { name: 'Mittente non verificato' });
  await panel.waitFor();
  await admin.audit('console request (unverified sender)');
  await panel.getByRole('button', { name: 'Cerca' }).click();
  await page.locator('#sender-q-error').waitFor();
  await panel.getByLabel('Cerca il cittadino (nome, e-mail o codice fiscale)').fill('Rossi');
  await panel.getByRole('button', { name: 'Cerca' }).click();
  // Bootstrap Italia draws the radio on its label: the label is what one clicks.
  await panel.locator('label', { hasText: 'Mario Rossi' }).click();
  assert.ok(await panel.getByRole('radio', { name: /Mario Rossi/ }).isChecked());
  await admin.audit('console request (sender found)');
  await panel.getByRole('button', { name: 'Intesta la pratica al cittadino' }).click();
  await status(page, 'Pratica intestata al cittadino').waitFor();
  // Linked: Mario's now, and nothing left to link.
  const linked = await api(`/requests/${filed.id}`, adminToken);
  assert.equal(linked.sender_unverified, false);
  assert.equal(linked.citizen.id, me.id);
  assert.equal(linked.allowed.link_sender, false);
  await panel.waitFor({ state: 'detached' });
  assert.equal((await api(`/requests/${filed.id}`, marioToken)).id, filed.id, 'the citizen does not see it');
  await api(`/mailboxes/${box.id}`, adminToken, undefined, 'DELETE');
});
