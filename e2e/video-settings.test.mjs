// The video calls' ICE servers from the console: the demo administrator opens
// Videochiamate, is told next to the field that an http:// address is not a STUN server,
// saves a STUN and a TURN server with the shared secret, and sees the secret kept (never
// shown back) after a reload; then removes it again, so the video tests that follow set
// their own. axe at 1280 and 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';

let server, browser, admin;

before(async () => {
  server = await startServer();
  browser = await launch();
  admin = await person(browser, 'admin');
});

after(async () => {
  if (admin) {
    admin.assertAllAudited();
    assert.deepEqual(admin.unexpected(), [], 'admin: unexpected console errors');
  }
  await browser?.close();
  await server?.stop();
});

async function api(method, path, token, body) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

test('the administrator sets the STUN and TURN servers of video calls', async () => {
  const { page } = admin;
  const acc = account(server.demo, 'admin');
  await open(admin, server.url, '/console/accedi');
  await titled(admin, 'Accesso operatori');
  await admin.audit('login');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.waitForURL(/\/console$/);
  await titled(admin, 'Coda delle pratiche');
  await admin.audit('console queue');
  await page.getByRole('navigation', { name: 'Navigazione della console' }).getByRole('link', { name: 'Videochiamate', exact: true }).click();
  await titled(admin, 'Videochiamate: server STUN e TURN');
  await admin.audit('video settings');

  const stun = page.getByLabel('Server STUN', { exact: true });
  await stun.fill('http://stun.example.it');
  await page.getByRole('button', { name: 'Salva', exact: true }).click();
  await page.locator('.invalid-feedback').filter({ hasText: 'Indirizzo STUN non valido' }).waitFor();
  assert.equal(await stun.getAttribute('aria-invalid'), 'true');
  await admin.audit('video settings (address refused)');

  await stun.fill('stun:turn.comune.example.it:3478');
  await page.getByLabel('Server TURN', { exact: true }).fill('turn:turn.comune.example.it:3478?transport=udp\nturns:turn.comune.example.it:5349?transport=tcp');
  await page.getByLabel('Segreto condiviso TURN (static-auth-secret)', { exact: true }).fill('un-segreto-lungo-per-coturn');
  await page.getByRole('button', { name: 'Salva', exact: true }).click();
  await page.getByText('Impostazioni salvate.').waitFor();
  await admin.audit('video settings (saved)');
  await screenshots(admin, 'console-video-settings');

  // The secret stays on the server: after a reload the page says one is stored.
  await page.reload();
  await titled(admin, 'Videochiamate: server STUN e TURN');
  await page.getByText('Un segreto è salvato: lasciare vuoto per mantenerlo.').waitFor();
  assert.equal(await page.getByLabel('Segreto condiviso TURN (static-auth-secret)', { exact: true }).inputValue(), '');
  const token = (await api('POST', '/auth/login', null, { username: acc.username, password: acc.password })).access_token;
  const saved = await api('GET', '/settings/video', token);
  assert.deepEqual(saved.turn_urls, ['turn:turn.comune.example.it:3478?transport=udp', 'turns:turn.comune.example.it:5349?transport=tcp']);
  assert.equal(saved.turn_secret_set, true);
  assert.equal('turn_secret' in saved, false);
  await admin.audit('video settings (reloaded)');

  // Back to none, for the video tests that follow on this server.
  const cleared = await api('PUT', '/settings/video', token, { stun_urls: [], turn_urls: [], turn_secret: '', relay_only: false });
  assert.equal(cleared.turn_secret_set, false);
});
