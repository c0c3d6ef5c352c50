// The video desk in the browser, citizen and operator in two contexts of a Chromium with a
// fake camera and microphone: (a) a wrong code and a booking not open yet are refused with
// their message, and the camera is not asked for before the conditions are accepted;
// (b) the citizen accepts, checks the devices and waits; the operator sees "In attesa" in
// the agenda, opens the call, lets them in: both peer connections reach "connected" and
// the operator decodes the citizen's video; the chat beside it works both ways, with a
// document; the operator ends the call and the link then says the appointment is over;
// (c) with relay only, the call goes through the TURN server (coturn, SPORTELLO_TEST_TURN)
// and the selected candidate pair is relayed. axe on every page, at 360 and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';
import { makePdf } from './lib/fixtures.mjs';

let server, browser, citizen, operator, admin, desk, op;

/** Counts the page's calls of getUserMedia, from before the app's first line runs. */
const COUNT_GUM = () => {
  window.__gumCalls = 0;
  const md = navigator.mediaDevices;
  if (!md) return;
  const real = md.getUserMedia.bind(md);
  md.getUserMedia = (...args) => {
    window.__gumCalls += 1;
    return real(...args);
  };
};

const api = (path) => `${server.url}/api/v1${path}`;

async function token(acc) {
  const res = await fetch(api('/auth/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: acc.username, password: acc.password }),
  });
  const body = await res.text();
  assert.equal(res.status, 200, body);
  return JSON.parse(body).access_token;
}

async function send(method, path, bearer, body) {
  const res = await fetch(api(path), {
    method,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

/** `YYYY-MM-DD` in Rome, `days` from today. */
function romeDay(days = 0) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(Date.now() + days * 86400000));
}

/** Polls `probe` (in node) until it returns a truthy value; returns it. */
async function until(probe, what, timeout = 30000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((ok) => setTimeout(ok, 300));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/**
 * A video booking of the test desk whose slot starts at least `minutes` from now (0: the
 * earliest, so the call is open: the window opens 10 minutes before the slot). Returns
 * the public booking and the staff's id for it.
 */
async function book(minutes, name) {
  const { body } = await send('GET', `/public/desks/${desk.id}/slots?from=${romeDay()}&to=${romeDay(1)}`);
  const after = Date.now() + minutes * 60000;
  const slot = body.items.find((s) => s.remaining > 0 && Date.parse(s.start) >= after);
  assert.ok(slot, `a free slot ${minutes} minutes from now`);
  const [first, last] = name.split(' ');
  const booked = await send('POST', '/public/bookings', null, {
    desk_id: desk.id, service: 'video', start: slot.start, mode: 'video', first_name: first, last_name: last,
    email: `${first.toLowerCase()}.${Date.now()}@example.it`, subject: 'Avviso di pagamento TARI', privacy_accepted: true,
  });
  assert.equal(booked.status, 201, booked.text);
  // The link the confirmation carries (absolute, on the public address).
  const path = new URL(booked.body.join_url, server.url).pathname;
  assert.equal(path, `/videochiamata/${booked.body.code}`);
  const staff = await token(op);
  const list = await send('GET', `/bookings?desk_id=${desk.id}&from=${romeDay(-1)}&to=${romeDay(1)}`, staff);
  const view = list.body.find((b) => b.reference === booked.body.reference);
  assert.ok(view, 'the booking in the staff list');
  return { ...booked.body, id: view.id, path };
}

before(async () => {
  server = await startServer();
  browser = await launch({ fakeMedia: true });
  citizen = await person(browser, 'citizen');
  operator = await person(browser, 'operator');
  admin = await token(account(server.demo, 'admin'));
  await citizen.context.addInitScript(COUNT_GUM);
  op = account(server.demo, 'operator', /tributi/);
  // A video desk open all day, every day, bookable now: the call can be open whenever the
  // test runs.
  const [tributi] = (await send('GET', '/offices', admin)).body.filter((o) => /Tributi/.test(o.name));
  const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
  const created = await send('POST', '/desks', admin, {
    name: `Sportello video ${Date.now()}`, office_id: tributi.id, mode: 'video', open_on_holidays: true,
    services: [{ code: 'video', name: 'Colloquio in videochiamata', duration_minutes: 5 }], capacity: 4,
    min_notice_minutes: 0, cancel_until_minutes: 0, weekly,
  });
  assert.equal(created.status, 201, created.text);
  desk = created.body;
});

after(async () => {
  for (const who of [citizen, operator]) {
    if (!who) continue;
    who.assertAllAudited();
    assert.deepEqual(who.unexpected(), [], `${who.label}: unexpected console errors`);
  }
  await browser?.close();
  await server?.stop();
});

async function signInOperator() {
  const { page } = operator;
  await open(operator, server.url, '/console/accedi');
  await titled(operator, 'Accesso operatori');
  await operator.audit('console login');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(op.username);
  await page.getByLabel('Password *', { exact: true }).fill(op.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await titled(operator, 'Coda delle pratiche');
  await operator.audit('console queue');
}

/** The peer connection's state on this page (`window.__sportelloPc`). */
const pcState = (page) => page.evaluate(() => window.__sportelloPc?.connectionState ?? null);

/** The largest `framesDecoded` of the page's inbound video. */
const framesDecoded = (page) =>
  page.evaluate(async () => {
    const stats = await window.__sportelloPc?.getStats();
    let n = 0;
    stats?.forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') n = Math.max(n, r.framesDecoded || 0);
    });
    return n;
  });

/**
 * What ICE did on this page, for a failure's message: the connection's states, the
 * candidates gathered and received, and every pair with its state.
 */
const iceReport = (page) =>
  page.evaluate(async () => {
    const pc = window.__sportelloPc;
    if (!pc) return 'no peer connection';
    const stats = await pc.getStats();
    const byId = new Map();
    stats.forEach((s) => byId.set(s.id, s));
    const cand = (c) => c && `${c.candidateType}/${c.protocol} ${c.address}:${c.port}`;
    const lines = [`connection ${pc.connectionState}, ice ${pc.iceConnectionState}, gathering ${pc.iceGatheringState}`];
    stats.forEach((s) => {
      if (s.type === 'local-candidate' || s.type === 'remote-candidate') lines.push(`${s.type} ${cand(s)}`);
      if (s.type === 'candidate-pair') {
        lines.push(`pair ${s.state}${s.nominated ? ' nominated' : ''}: ${cand(byId.get(s.localCandidateId))} -> ${cand(byId.get(s.remoteCandidateId))}, requests ${s.requestsSent}, responses ${s.responsesReceived}`);
      }
    });
    return lines.join('\n');
  });

/** The candidate types of the selected pair (`getStats()`), local and remote. */
const selectedPair = (page) =>
  page.evaluate(async () => {
    const stats = await window.__sportelloPc.getStats();
    const byId = new Map();
    stats.forEach((s) => byId.set(s.id, s));
    let pair;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId.get(s.selectedCandidatePairId);
    });
    if (!pair) {
      stats.forEach((s) => {
        if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) pair = s;
      });
    }
    if (!pair) return null;
    return { local: byId.get(pair.localCandidateId)?.candidateType, remote: byId.get(pair.remoteCandidateId)?.candidateType };
  });

/** The citizen from the link to the waiting room; returns after "In attesa…" shows. */
async function citizenToWaitingRoom(booking, { shots = false } = {}) {
  const { page } = citizen;
  await open(citizen, server.url, booking.path);
  await titled(citizen, 'Videochiamata con lo sportello');
  await page.getByTestId('call-appointment').getByText('Colloquio in videochiamata').waitFor();
  await page.getByTestId('call-appointment').getByText(booking.reference).waitFor();
  await page.getByRole('heading', { name: 'Prima di iniziare' }).waitFor();
  await page.getByText('La videochiamata non viene registrata').waitFor();
  assert.equal(await page.evaluate(() => window.__gumCalls), 0, 'no camera before the conditions');
  // Without the box ticked, the acceptance is refused under it and nothing is asked.
  await page.getByRole('button', { name: 'Accetta e continua' }).click();
  await page.locator('#call-accept-error').getByText('Per continuare conferma').waitFor();
  assert.equal(await page.evaluate(() => window.__gumCalls), 0, 'still no camera');
  await citizen.audit('video call: conditions');
  if (shots) await screenshots(citizen, 'video-conditions');
  // By keyboard (Bootstrap Italia draws the box over the input).
  const box = page.getByLabel('Ho letto le condizioni e l\'informativa sul trattamento dei dati personali');
  await box.focus();
  await page.keyboard.press('Space');
  assert.equal(await box.isChecked(), true);
  await page.getByRole('button', { name: 'Accetta e continua' }).click();
  await page.getByRole('heading', { name: 'Controlla videocamera e microfono' }).waitFor();
  // Now, and only now, the browser is asked; the preview plays the fake camera.
  await until(() => page.evaluate(() => window.__gumCalls > 0), 'getUserMedia after accepting');
  await until(() => page.evaluate(() => document.getElementById('call-local-video')?.videoWidth > 0), 'the preview');
  await page.getByLabel('Videocamera', { exact: true }).waitFor();
  await page.getByLabel('Microfono', { exact: true }).waitFor();
  await citizen.audit('video call: devices');
  if (shots) await screenshots(citizen, 'video-devices');
  await page.getByRole('button', { name: 'Entra in sala d\'attesa' }).click();
  await page.getByTestId('call-status').getByText('In attesa che l\'operatore ti faccia entrare').waitFor();
  await citizen.audit('video call: waiting room');
  if (shots) await screenshots(citizen, 'video-waiting');
}

/** The operator admits the citizen from the call page; both sides connect. */
async function admitAndConnect() {
  const o = operator.page;
  await o.getByTestId('call-waiting').getByRole('button', { name: 'Fai entrare' }).click();
  await until(async () => (await pcState(o)) === 'connected', 'the operator connected', 45000);
  await until(async () => (await pcState(citizen.page)) === 'connected', 'the citizen connected', 45000);
  await citizen.page.getByTestId('call-status').getByText('Videochiamata in corso').waitFor();
}

test('(a) a wrong code and a call not open yet are refused; no camera before the conditions', async () => {
  const { page } = citizen;
  citizen.allow(/404/);
  await open(citizen, server.url, '/videochiamata/CODICE-SBAGLIATO');
  await page.getByTestId('call-refused').getByText('Il link della videochiamata non è valido').waitFor();
  await citizen.audit('video call: wrong code');
  const later = await book(30, 'Anna Neri');
  await open(citizen, server.url, later.path);
  await page.getByTestId('call-not-yet').getByText('non è ancora aperta').waitFor();
  await page.getByTestId('call-appointment').getByText(later.reference).waitFor();
  await citizen.audit('video call: not open yet');
  assert.equal(await page.evaluate(() => window.__gumCalls), 0, 'no camera on a call not open');
  // The API refuses the join too.
  const join = await send('POST', `/public/video/${later.code}/join`);
  assert.ok(join.status >= 400 && join.status < 500, `join before the window: ${join.status}`);
});

test('(b) citizen and operator: waiting room, admission, video both ways, chat, end', async () => {
  const booking = await book(0, 'Mario Bianchi');
  await citizenToWaitingRoom(booking, { shots: true });

  // The operator's agenda says who is waiting and links the call.
  await signInOperator();
  const o = operator.page;
  await o.getByRole('navigation', { name: 'Navigazione della console' }).getByRole('link', { name: 'Agenda dello sportello' }).click();
  await titled(operator, 'Agenda dello sportello');
  await o.getByLabel('Sportello', { exact: true }).selectOption(desk.id);
  const card = o.getByTestId('agenda-booking').filter({ hasText: booking.reference });
  await card.getByTestId('call-waiting-badge').getByText('In attesa').waitFor();
  await o.getByTestId('call-waiting-cue').getByText('Mario Bianchi è in attesa della videochiamata').waitFor();
  assert.equal(await o.getByTestId('call-waiting-cue').getAttribute('aria-live'), 'assertive');
  await operator.audit('console agenda: citizen waiting');
  await card.getByRole('link', { name: 'Apri videochiamata' }).click();
  await titled(operator, 'Videochiamata');
  await o.getByTestId('call-waiting').getByText('Mario Bianchi è in sala d\'attesa.').waitFor();
  await operator.audit('console call: waiting');

  await admitAndConnect();
  await until(async () => (await framesDecoded(o)) > 0, 'the operator decoding the citizen\'s video', 30000);
  await until(async () => (await framesDecoded(citizen.page)) > 0, 'the citizen decoding the operator\'s video', 30000);
  await o.getByTestId('call-status-badge').getByText('In corso').waitFor();
  await o.getByTestId('call-duration').getByText(/Durata: \d\d:\d\d/).waitFor();

  // The controls: labelled toggle buttons.
  const c = citizen.page;
  const mute = c.getByRole('button', { name: 'Disattiva microfono' });
  assert.equal(await mute.getAttribute('aria-pressed'), 'false');
  await mute.focus();
  await c.keyboard.press('Enter');
  await until(async () => (await mute.getAttribute('aria-pressed')) === 'true', 'muted');
  await c.keyboard.press('Enter');
  await until(async () => (await mute.getAttribute('aria-pressed')) === 'false', 'unmuted');

  // The chat beside the video, both ways, and a document for the officer.
  const cChat = c.getByTestId('call-chat');
  await cChat.getByLabel('Messaggio', { exact: true }).fill('Buongiorno, vi mostro l\'avviso.');
  await cChat.getByRole('button', { name: 'Invia', exact: true }).click();
  const oChat = o.getByTestId('call-chat');
  await oChat.getByText('Buongiorno, vi mostro l\'avviso.').waitFor();
  await oChat.getByLabel('Messaggio', { exact: true }).fill('Buongiorno, la vedo bene.');
  await oChat.getByRole('button', { name: 'Invia', exact: true }).click();
  await cChat.getByText('Buongiorno, la vedo bene.').waitFor();
  await cChat.getByLabel('Messaggio', { exact: true }).fill('Ecco l\'avviso.');
  await cChat.getByLabel('Invia un documento').setInputFiles({ name: 'avviso.pdf', mimeType: 'application/pdf', buffer: makePdf('Avviso TARI 2026') });
  await cChat.getByRole('button', { name: 'Invia', exact: true }).click();
  await oChat.getByText(/avviso\.pdf/).waitFor();
  // Not linked yet: the document cannot go to a request.
  await oChat.getByRole('button', { name: 'Aggiungi alla pratica' }).first().click();
  await o.getByText('Collega prima la videochiamata a una pratica.').waitFor();
  // Linked to one of the office's requests, the document is copied to it.
  const mario = await token(account(server.demo, 'citizen'));
  const filed = await send('POST', '/requests', mario, {
    type: 'tari_informazioni', subject: 'Avviso TARI 2026', description: 'Domande sull\'avviso di pagamento 2026.', fields: {},
  });
  assert.equal(filed.status, 201, filed.text);
  await o.getByLabel('Cerca il cittadino').fill('Rossi');
  await o.getByRole('button', { name: 'Cerca', exact: true }).click();
  await o.getByRole('status').filter({ hasText: /cittadin[oi] trovat[oi]/ }).waitFor();
  const mr = await o.locator('#call-link-citizen option', { hasText: 'Mario Rossi' }).first().getAttribute('value');
  await o.getByLabel('Cittadino', { exact: true }).selectOption(mr);
  await o.getByLabel('Identificativo della pratica').fill(filed.body.id);
  await o.getByRole('button', { name: 'Collega', exact: true }).click();
  await o.getByText(`Collegata alla pratica ${filed.body.id}.`).waitFor();
  await operator.audit('console call: linked');
  const linked = (await send('GET', `/bookings/${booking.id}/call`, await token(op))).body;
  assert.equal(linked.request_id, filed.body.id);
  assert.ok(linked.citizen_id, 'linked to the citizen');
  await oChat.getByRole('button', { name: 'Aggiungi alla pratica' }).first().click();
  await o.getByText('avviso.pdf aggiunto alla pratica.').waitFor();
  await citizen.audit('video call: in call');
  await screenshots(citizen, 'video-in-call');
  await operator.audit('console call: in call');
  await screenshots(operator, 'console-video-call');

  // The citizen's page reloads during the call: back from the devices, the call resumes
  // (the operator starts a new peer connection on the citizen's restart signal).
  await c.reload();
  await c.getByRole('heading', { name: 'Controlla videocamera e microfono' }).waitFor();
  await until(() => c.evaluate(() => document.getElementById('call-local-video')?.videoWidth > 0), 'the preview again');
  await c.getByRole('button', { name: 'Entra in sala d\'attesa' }).click();
  await c.getByTestId('call-status').getByText('Videochiamata in corso').waitFor();
  await until(async () => (await pcState(c)) === 'connected', 'the citizen connected again', 45000);
  await until(async () => (await framesDecoded(c)) > 0, 'the operator\'s video again', 30000);
  await cChat.getByText('Buongiorno, la vedo bene.').waitFor();

  // "Termina" ends it for both; the link then says the appointment is over.
  o.once('dialog', (d) => d.accept());
  await o.getByRole('button', { name: 'Termina', exact: true }).click();
  await o.getByTestId('call-status-badge').getByText('Terminata').waitFor();
  await c.getByTestId('call-status').getByText('La videochiamata è terminata').waitFor();
  await citizen.audit('video call: ended');
  await operator.audit('console call: ended');
  await open(citizen, server.url, booking.path);
  await c.getByTestId('call-refused').getByText('L\'appuntamento è terminato').waitFor();
  await citizen.audit('video call: over');
  const state = await send('GET', `/public/video/${booking.code}`);
  assert.equal(state.body.status, 'ended');
});

test('(c) relay only: the call goes through the TURN server', async () => {
  const turn = process.env.SPORTELLO_TEST_TURN;
  assert.ok(turn, 'SPORTELLO_TEST_TURN (scripts/lib.sh turn_start) names the test TURN server');
  const saved = await send('PUT', '/settings/video', admin, {
    stun_urls: [], turn_urls: [turn], turn_secret: process.env.SPORTELLO_TEST_TURN_SECRET, relay_only: true,
  });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.body.turn_secret_set, true);
  assert.equal(saved.body.turn_secret, undefined, 'the secret is never returned');
  try {
    const booking = await book(0, 'Lucia Verdi');
    await citizenToWaitingRoom(booking);
    await open(operator, server.url, `/console/videochiamate/${booking.id}`);
    await titled(operator, 'Videochiamata');
    await operator.page.getByTestId('call-waiting').getByText('Lucia Verdi è in sala d\'attesa.').waitFor();
    try {
      await admitAndConnect();
    } catch (e) {
      // Say what ICE and the TURN server did: a relay that does not connect is otherwise
      // only a timeout.
      const log = process.env.SPORTELLO_TEST_TURN_LOG;
      const tail = log && existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-60).join('\n') : '(no TURN log)';
      e.message += `\noperator:\n${await iceReport(operator.page)}\ncitizen:\n${await iceReport(citizen.page)}\nTURN log:\n${tail}`;
      throw e;
    }
    for (const who of [operator, citizen]) {
      const pair = await until(() => selectedPair(who.page), `${who.label}'s selected candidate pair`);
      assert.ok(pair.local === 'relay' || pair.remote === 'relay', `${who.label}: relayed pair, got ${JSON.stringify(pair)}`);
    }
    await until(async () => (await framesDecoded(operator.page)) > 0, 'video through the relay', 30000);
    await operator.audit('console call: relayed');
  } finally {
    await send('PUT', '/settings/video', admin, { stun_urls: [], turn_urls: [], turn_secret: '', relay_only: false });
  }
});
