// Signing in and its edges: the login page's own checks (field errors, an error summary
// that takes focus, "Credenziali non valide"), the password recovery by e-mail (the link
// read from the SMTP sink, a new password, the old session sent to sign in on its next
// step and brought back), registration answering alike for a taken address, and the
// console's own sign-in page. Italian and English; axe on every page, at 360 px too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';
import { makePdf, randomCodiceFiscale } from './lib/fixtures.mjs';
import { mails, waitForMailTo } from './lib/mailsink.mjs';

const NEW_PASSWORD = 'Nuova-chiave-2026';

let server, browser, visitor, citizen, staleCitizen, mario;

before(async () => {
  server = await startServer();
  browser = await launch();
  visitor = await person(browser, 'visitor');
  citizen = await person(browser, 'citizen');
  staleCitizen = await person(browser, 'citizen, signed in elsewhere');
  mario = account(server.demo, 'citizen');
});

after(async () => {
  // Other test files sign in as the demo citizen with the demo password: put it back.
  try {
    if (mario) await setPasswordByMail(mario.username, mario.password);
  } finally {
    await browser?.close();
    await server?.stop();
  }
});

async function api(path, body, token) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res;
}

/** The registrations waiting for an operator, as the desk's API lists them. */
async function pendingRegistrations(token) {
  const res = await api('/registrations?status=pending&limit=100', undefined, token);
  assert.equal(res.status, 200);
  return (await res.json()).items;
}

async function operatorToken() {
  const op = account(server.demo, 'operator', /tributi/);
  const res = await api('/auth/login', { username: op.username, password: op.password });
  assert.equal(res.status, 200);
  return (await res.json()).access_token;
}

/** The token of the next reset link mailed to `email`. */
async function resetToken(email, since) {
  const text = await waitForMailTo(email, /recupero-password\?token=/, { since });
  return /recupero-password\?token=([A-Za-z0-9_-]+)/.exec(text)[1];
}

/** A password reset through the API, as another browser would do it. */
async function setPasswordByMail(email, password) {
  const since = new Set(mails());
  assert.equal((await api('/auth/password-reset', { email })).status, 202);
  const token = await resetToken(email, since);
  const res = await api('/auth/password-reset/confirm', { token, password });
  assert.equal(res.status, 204, await res.text());
}

/** Sets a checkbox by keyboard (focus, Space), as the other tests do. */
async function setChecked(box, on) {
  if ((await box.isChecked()) !== on) {
    await box.focus();
    await box.page().keyboard.press('Space');
  }
  assert.equal(await box.isChecked(), on);
}

async function signIn(who, username, password) {
  const { page } = who;
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(username);
  await page.getByLabel('Password *', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
}

test('the login page checks an empty form in the browser: errors under each field and a focused summary', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/accedi');
  assert.ok(await page.getByRole('link', { name: 'Password dimenticata?' }).isVisible());
  const requests = [];
  page.on('request', (r) => r.url().includes('/api/v1/auth/login') && requests.push(r));
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  const summary = page.locator('#error-summary');
  await summary.waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
  assert.equal(await page.locator('#username-error').textContent(), "Inserisci l'e-mail o il codice fiscale");
  assert.equal(await page.locator('#password-error').textContent(), 'Inserisci la password');
  assert.equal(await page.getByLabel('Password *', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.equal(requests.length, 0, 'an empty form never reaches the server');
  await visitor.audit('login with errors');
  await screenshots(visitor, 'login-errors');
  // Each line of the summary leads to its field.
  await summary.getByRole('link', { name: 'Inserisci la password' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'password');
  await summary.getByRole('link', { name: "Inserisci l'e-mail o il codice fiscale" }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'username');
});

test('a wrong password reads "Credenziali non valide", in the title too', async () => {
  const { page } = visitor;
  visitor.allow(/status of 401/);
  await open(visitor, server.url, '/accedi');
  await signIn(visitor, 'nessuno@example.it', 'Sbagliata-2026');
  const alert = page.locator('#error-summary');
  await alert.getByRole('heading', { name: 'Credenziali non valide' }).waitFor();
  assert.doesNotMatch(await alert.textContent(), /Autenticazione richiesta/);
  await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
  assert.equal(await page.getByLabel('Password *', { exact: true }).inputValue(), '');
  await visitor.audit('login refused');
});

test('the login page and its checks in English', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/accedi');
  await page.getByRole('button', { name: /Lingua: English/ }).click();
  await titled(visitor, 'Sign in to your personal area');
  assert.ok(await page.getByRole('link', { name: 'Forgot your password?' }).isVisible());
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('#username-error', { hasText: 'Enter your e-mail or tax code' }).waitFor();
  assert.equal(await page.locator('#password-error').textContent(), 'Enter your password');
  await visitor.audit('login with errors (English)');
  await page.getByRole('button', { name: /Language: Italiano/ }).click();
  await titled(visitor, "Accedi all'area personale");
});

test('"Password dimenticata?" answers alike for any address, and mails the link to an account', async () => {
  const { page } = visitor;
  // The demo citizen is signed in in another browser before the reset.
  await open(staleCitizen, server.url, '/accedi');
  await staleCitizen.audit('login (citizen)');
  await signIn(staleCitizen, mario.username, mario.password);
  await staleCitizen.page.waitForURL(/\/area-personale$/);
  await titled(staleCitizen, 'Area personale');
  await staleCitizen.audit('my requests');

  await open(visitor, server.url, '/accedi');
  await page.getByRole('link', { name: 'Password dimenticata?' }).click();
  await page.waitForURL(/\/recupero-password$/);
  await titled(visitor, 'Password dimenticata?');
  await visitor.audit('forgot password');
  await screenshots(visitor, 'forgot-password');
  await page.getByRole('button', { name: 'Invia il collegamento' }).click();
  await page.locator('#email-error', { hasText: "Inserisci l'indirizzo e-mail" }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
  await visitor.audit('forgot password with errors');

  const confirmation = async (email) => {
    await open(visitor, server.url, '/recupero-password');
    await page.getByLabel('E-mail *', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Invia il collegamento' }).click();
    const done = page.locator('#recovery-sent');
    await done.waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'recovery-sent');
    return done.textContent();
  };
  const unknown = await confirmation('nessuno.qui@example.it');
  assert.match(unknown, /Controlla la tua e-mail/);
  await visitor.audit('forgot password: sent');
  await screenshots(visitor, 'forgot-password-sent');
  const since = new Set(mails());
  const known = await confirmation(mario.username);
  assert.equal(known, unknown, 'the page must not tell whether the address has an account');
  const token = await resetToken(mario.username, since);

  // The link: a new password, twice, with the domain's rules checked in the browser.
  await open(citizen, server.url, `/recupero-password?token=${token}`);
  const { page: cp } = citizen;
  await titled(citizen, 'Scegli una nuova password');
  await citizen.audit('new password');
  await screenshots(citizen, 'new-password');
  await cp.getByLabel('Nuova password *', { exact: true }).fill('corta1');
  await cp.getByLabel('Ripeti la nuova password *', { exact: true }).fill('diversa');
  await cp.getByRole('button', { name: 'Imposta la nuova password' }).click();
  await cp.locator('#password-error', { hasText: 'almeno 10 caratteri' }).waitFor();
  assert.equal(await cp.locator('#password_confirm-error').textContent(), 'Le due password non coincidono');
  await cp.waitForFunction(() => document.activeElement?.id === 'error-summary');
  await citizen.audit('new password with errors');
  await screenshots(citizen, 'new-password-errors');
  await cp.getByLabel('Nuova password *', { exact: true }).fill(NEW_PASSWORD);
  await cp.getByLabel('Ripeti la nuova password *', { exact: true }).fill(NEW_PASSWORD);
  await cp.getByRole('button', { name: 'Imposta la nuova password' }).click();

  // Then to sign in, with the news.
  await cp.waitForURL(/\/accedi\?reset=ok$/);
  await titled(citizen, "Accedi all'area personale");
  await cp.getByText('Password aggiornata: accedi con la nuova password.').waitFor();
  await citizen.audit('login after a new password');
  citizen.allow(/status of 401/);
  await signIn(citizen, mario.username, mario.password);
  await cp.locator('#error-summary').getByRole('heading', { name: 'Credenziali non valide' }).waitFor();
  await signIn(citizen, mario.username, NEW_PASSWORD);
  await cp.waitForURL(/\/area-personale$/);
  await titled(citizen, 'Area personale');
  citizen.skipAudit('/area-personale'); // staleCitizen's visit of it went through axe
});

test('the session signed in before the reset is sent to sign in at its next step, and comes back', async () => {
  const { page } = staleCitizen;
  // The original call and the refresh are both refused.
  staleCitizen.allow(/status of 401/, 2);
  await page.getByRole('navigation', { name: "Menu dell'area personale" }).getByRole('link', { name: 'Preferenze', exact: true }).click();
  await page.waitForURL(/\/accedi\?next=%2Farea-personale%2Fpreferenze&sessione=scaduta$/);
  await page.getByRole('alert').filter({ hasText: 'La sessione è terminata: accedi di nuovo' }).waitFor();
  await titled(staleCitizen, "Accedi all'area personale");
  await staleCitizen.audit('login after the session ended');
  await screenshots(staleCitizen, 'login-session-ended');
  await signIn(staleCitizen, mario.username, NEW_PASSWORD);
  await page.waitForURL(/\/area-personale\/preferenze$/);
  await titled(staleCitizen, 'Preferenze di contatto');
  assert.equal(await page.getByText('La sessione è terminata').count(), 0);
  await staleCitizen.audit('preferences after signing in again');
});

test('the recovery pages in English', async () => {
  const { page } = visitor;
  await open(visitor, server.url, '/recupero-password');
  await page.getByRole('button', { name: /Lingua: English/ }).click();
  await titled(visitor, 'Forgot your password?');
  assert.ok(await page.getByRole('button', { name: 'Send the link' }).isVisible());
  await visitor.audit('forgot password (English)');
  await open(visitor, server.url, '/recupero-password?token=not-a-real-token');
  await titled(visitor, 'Choose a new password');
  visitor.allow(/status of 422/);
  await page.getByLabel('New password *', { exact: true }).fill(NEW_PASSWORD + 'x');
  await page.getByLabel('Repeat the new password *', { exact: true }).fill(NEW_PASSWORD + 'x');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  // The server's answer on the token, in the summary (there is no field to link to).
  await page.locator('#error-summary', { hasText: 'Invalid or expired link' }).waitFor();
  assert.ok(await page.getByRole('link', { name: 'Ask for a new link' }).isVisible());
  await visitor.audit('new password refused (English)');
  await page.getByRole('button', { name: /Language: Italiano/ }).click();
  await titled(visitor, 'Scegli una nuova password');
});

test('registration answers a taken e-mail address with the same confirmation as a new one', async () => {
  const { page } = visitor;
  const confirmation = async (email) => {
    await open(visitor, server.url, '/registrazione');
    await page.getByLabel('Codice fiscale *', { exact: true }).fill(randomCodiceFiscale());
    await page.getByLabel('Nome *', { exact: true }).fill('Carla');
    await page.getByLabel('Cognome *', { exact: true }).fill('Bianchi');
    await page.getByLabel('E-mail *', { exact: true }).fill(email);
    await page.getByLabel('Password *', { exact: true }).fill('Sportello-2026!e2e');
    await page.getByLabel("Documento d'identità *", { exact: true }).setInputFiles({
      name: 'documento.pdf',
      mimeType: 'application/pdf',
      buffer: makePdf('Carta di identita - Carla Bianchi'),
    });
    await setChecked(page.getByLabel("Ho letto e compreso l'informativa sulla privacy"), true);
    await page.getByRole('button', { name: 'Invia la registrazione' }).click();
    const done = page.locator('#register-done');
    await done.waitFor();
    return done.textContent();
  };
  const freshEmail = `carla.bianchi.${Date.now()}@example.it`;
  const fresh = await confirmation(freshEmail);
  assert.match(fresh, /Registrazione inviata/);
  await visitor.audit('registration sent');
  const taken = await confirmation(mario.username);
  assert.equal(taken, fresh);
  assert.equal(await page.getByRole('alert').count(), 0);
  // Only the new address became a registration; the other test files expect no other
  // pending one (each card's PDF frame is its own console line), so it is turned down.
  const token = await operatorToken();
  const pending = await pendingRegistrations(token);
  assert.equal(pending.filter((r) => r.email === mario.username).length, 0);
  const carla = pending.find((r) => r.email === freshEmail);
  assert.ok(carla, 'the new registration is waiting for an operator');
  const res = await api(`/registrations/${carla.id}/reject`, { reason: 'Registrazione di prova' }, token);
  assert.equal(res.status, 200, await res.text());
});

test('the console has its own sign-in page, for staff: no registration, no citizen menu', async () => {
  const { page } = visitor;
  visitor.skipAudit('/console'); // only passed through: the guard sends the visitor on
  await page.goto(server.url + '/console');
  await page.waitForURL(/\/console\/accedi\?next=%2Fconsole$/);
  await titled(visitor, 'Accesso operatori');
  assert.equal(await page.getByRole('link', { name: 'Registrati' }).count(), 0);
  assert.equal(await page.locator('[data-element="main-navigation"]').count(), 0);
  assert.ok(await page.getByRole('link', { name: 'Password dimenticata?' }).isVisible());
  await visitor.audit('console login');
  await screenshots(visitor, 'console-login');
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.locator('#username-error').waitFor();
  await visitor.audit('console login with errors');
});

test('nobody met a console error they did not expect, and every page visited passed axe', () => {
  for (const who of [visitor, citizen, staleCitizen]) {
    assert.deepEqual(who.unexpected(), []);
    who.assertAllAudited();
  }
});
