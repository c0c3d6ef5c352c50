// Signing in with SPID and CIE: the citizen presses "Entra con SPID" on the login page,
// logs in at the test identity provider (scripts/oidc/op.py, a real OpenID provider on
// idpyoidc, which the demo Comune is set up against), lands in the personal area as the
// account with that codice fiscale, and signing out ends the provider's session too. A
// sign-in cancelled at the provider comes back to the login page with the reason. axe on
// every page, at 360 px too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

let server, browser, citizen;

before(async () => {
  server = await startServer();
  browser = await launch();
  citizen = await person(browser, 'citizen with SPID');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The test provider's own login form (not our page: axe is ours to run, not its). */
async function providerLogin(page, username) {
  await page.getByRole('heading', { name: /Identity provider di test/ }).waitFor({ timeout: 15000 });
  await page.getByLabel('Nome utente').fill(username);
  await page.getByLabel('Password').fill('test');
  await page.getByRole('button', { name: 'Entra' }).click();
}

test('"Entra con SPID" leads through the identity provider into the personal area', async () => {
  const { page } = citizen;
  await open(citizen, server.url, '/accedi');
  const spid = page.getByRole('link', { name: 'Entra con SPID' });
  await spid.waitFor();
  assert.ok(await page.getByRole('link', { name: 'Entra con CIE' }).isVisible());
  assert.equal(await spid.getAttribute('data-element'), 'spid-login');
  await citizen.audit('login with SPID and CIE');
  await screenshots(citizen, 'login-spid-cie');

  await spid.click();
  await providerLogin(page, 'mario.rossi');
  // The provider's own pages (its login form) are not ours to audit.
  const op = await (await fetch(`${server.demo.oidc}/.well-known/openid-configuration`)).json();
  const opPage = new URL(page.url());
  if (opPage.origin !== server.url) citizen.skipAudit(opPage.pathname);
  citizen.skipAudit(new URL(op.authorization_endpoint).pathname);
  await page.waitForURL((u) => u.origin === server.url && u.pathname === '/area-personale', { timeout: 15000 });
  await titled(citizen, 'Area personale');
  assert.equal(new URL(page.url()).hash, '', 'the sign-in marker is taken off the address');
  // The demo citizen Mario Rossi has that codice fiscale: it is his account.
  await page.getByText('Mario Rossi').first().waitFor();
  await citizen.audit('personal area after SPID');

  // A reload keeps the session (the refresh cookie the callback set).
  await page.reload();
  await titled(citizen, 'Area personale');

  // Signing out passes through the provider, which ends its session and sends the
  // browser back to the portal.
  let endSession;
  page.on('request', (r) => {
    if (r.url().startsWith(`${server.demo.oidc}/end_session`)) endSession = new URL(r.url());
  });
  await page.getByRole('button', { name: 'Esci' }).click();
  await page.waitForFunction((origin) => location.origin === origin && location.pathname === '/', server.url, {
    timeout: 15000,
  });
  assert.ok(endSession?.searchParams.get('id_token_hint'), 'the browser went to the provider with the ID token');
  const client = endSession.searchParams.get('client_id');
  const logouts = await (await fetch(`${server.demo.oidc}/_test/logouts?client_id=${client}`)).json();
  assert.equal(logouts.count, 1, 'the provider ended its session');
  await page.locator('#page-title').waitFor();
  await citizen.audit('home after SPID logout');
});

test('a sign-in cancelled at the provider comes back to the login page with the reason', async () => {
  const { page } = citizen;
  // The provider answers with error=access_denied: the same as pressing "Annulla" there.
  await page.goto(`${server.url}/api/v1/auth/oidc/cie/callback?error=access_denied&state=nessuno`);
  await titled(citizen, "Accedi all'area personale");
  const alert = page.getByRole('alert').filter({ hasText: 'Accesso non riuscito' });
  await alert.waitFor();
  assert.match(await alert.textContent(), /non è partita da questo browser|annullato/);
  await citizen.audit('login after a failed SPID sign-in');
  assert.deepEqual(citizen.unexpected(), []);
  citizen.assertAllAudited();
});
