// The agenda in the browser: (a) a visitor without an account books an appointment at
// 360 px through the five steps (the month grid by keyboard), gets the reference, the mail
// with the calendar file, opens the manage link, moves the appointment and cancels it;
// (b) an operator checks a visitor in from the console's agenda; (c) a citizen books a
// bulky-waste pickup, sees its protocol number, and the crew's route sheet lists it;
// (d) an administrator adds a dated closure to a desk, which the public booking page shows;
// (e) the e-mailed link confirms a booking held for confirmation.
// Outcomes are checked in the API and in the SMTP sink; axe on every page, as everywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots, VIEWPORTS } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';
import { mails, waitForMail, waitForMailTo, textOf } from './lib/mailsink.mjs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './lib/browser.mjs';

let server, browser, visitor, operator, citizen, admin;

before(async () => {
  server = await startServer();
  browser = await launch();
  visitor = await person(browser, 'visitor');
  operator = await person(browser, 'operator');
  citizen = await person(browser, 'citizen');
  admin = await person(browser, 'admin');
});

after(async () => {
  for (const who of [visitor, operator, citizen, admin]) {
    if (!who) continue;
    who.assertAllAudited();
    assert.deepEqual(who.unexpected(), [], `${who.label}: unexpected console errors`);
  }
  await browser?.close();
  await server?.stop();
});

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

async function getJson(path, bearer) {
  const res = await fetch(api(path), { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const body = await res.text();
  assert.equal(res.status, 200, `${path}: ${body}`);
  return JSON.parse(body);
}

/** Today in Rome, `YYYY-MM-DD`. */
function romeToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
}

/** Sets a checkbox by keyboard (focus, Space). */
async function check(box) {
  await box.focus();
  await box.page().keyboard.press('Space');
  assert.equal(await box.isChecked(), true);
}

/**
 * In the month grid: checks the arrows move focus day by day, then chooses a free day
 * after `after` (a later month when this one has none) with Enter; returns its date.
 */
async function chooseDay(page, after) {
  const grid = page.getByRole('grid');
  await grid.waitFor();
  const stop = grid.locator('button[tabindex="0"]');
  const first = await stop.getAttribute('id');
  await stop.focus();
  await page.keyboard.press('ArrowRight');
  const d = new Date(`${first.slice(4)}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  await focusOn(page, `day-${d.toISOString().slice(0, 10)}`, 'ArrowRight moves to the next day');
  await page.keyboard.press('ArrowLeft');
  await focusOn(page, first, 'ArrowLeft moves back');
  for (let month = 0; month < 3; month += 1) {
    const free = await grid.locator('button.day-cell:not([aria-disabled])').evaluateAll((bs) => bs.map((b) => b.id.slice(4)));
    const day = free.find((x) => x > after);
    if (day) {
      // Keyboard: from the current stop, arrows to the day, then Enter.
      const from = await page.evaluate(() => document.activeElement.id.slice(4));
      const steps = Math.round((Date.parse(day) - Date.parse(from)) / 86400000);
      if (!(await page.evaluate(() => document.activeElement.closest('[role=grid]')))) await grid.locator('button[tabindex="0"]').focus();
      for (let i = 0; i < steps; i += 1) await page.keyboard.press('ArrowRight');
      await focusOn(page, `day-${day}`, 'the arrows reach the free day');
      await page.keyboard.press('Enter');
      await page.locator('[role=status]', { hasText: /orar[io] liber[oi]/ }).first().waitFor();
      return day;
    }
    await page.getByRole('button', { name: 'Mese successivo' }).click();
  }
  throw new Error(`no free day after ${after}`);
}

/** Waits (up to 5 s) for the focus to reach the element with this id: the grid moves the
 * focus in the next animation frame, which a busy machine may run late. */
async function focusOn(page, id, what) {
  try {
    await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 5000 });
  } catch {
    assert.equal(await page.evaluate(() => document.activeElement?.id), id, what);
  }
}

/** gzip -9 bytes of what a first load needs, as scripts/build-web.sh reports them. */
function firstLoad(app) {
  const dist = process.env.SPORTELLO_WEB_DIR || join(ROOT, 'dist');
  const files = ['index.html', 'boot.js', `${app}.js`, `${app}_bg.wasm`, 'bootstrap-italia/css/bootstrap-italia.min.css', 'app.css'];
  return files.reduce((n, f) => n + execFileSync('gzip', ['-9c', join(dist, f)], { maxBuffer: 64 << 20 }).length, 0);
}

test('(a) the portal and the booking page each load within 400 KiB gzip', () => {
  for (const app of ['sportello', 'booking']) {
    const bytes = firstLoad(app);
    assert.ok(bytes <= 400 * 1024, `${app} first load: ${bytes} B`);
  }
});

let booking; // { code, reference, email }

test('(a) a visitor books an appointment without an account, at 360 px', async () => {
  const { page } = visitor;
  await page.setViewportSize(VIEWPORTS.phone);
  const since = new Set(mails());
  // A Comune's site links straight here: the booking app loads by itself.
  await open(visitor, server.url, '/prenotazioni');
  await titled(visitor, 'Prenota appuntamento');
  const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname));
  assert.ok(loaded.includes('/booking_bg.wasm') && !loaded.includes('/sportello_bg.wasm'), `the booking app alone: ${loaded}`);
  // 1 Luogo: the demo desk, with its notice.
  await page.getByRole('heading', { name: 'Luogo' }).waitFor();
  await check(page.getByLabel(/Sportello TARI/));
  await page.getByTestId('desk-notices').first().waitFor();
  await visitor.audit('booking: place');
  await page.getByRole('button', { name: 'Avanti' }).click();

  // 2 Data e orario: nothing chosen → the error; then a day by keyboard and a time.
  await page.getByRole('heading', { name: 'Data e orario' }).waitFor();
  await page.getByRole('grid').waitFor();
  await page.getByRole('button', { name: 'Avanti' }).click();
  await page.locator('#error-summary').getByText("Scegli il giorno e l'orario").waitFor();
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const day = await chooseDay(page, tomorrow);
  const times = page.getByRole('group', { name: /Orari liberi di/ });
  const first = times.getByRole('radio').first();
  await check(first);
  const time = await times.locator('label').first().textContent();
  await page.locator('[role=status]', { hasText: `alle ${time}` }).waitFor();
  await visitor.audit('booking: date and time');
  await screenshots(visitor, 'booking-calendar');
  await page.setViewportSize(VIEWPORTS.phone);
  await page.getByRole('button', { name: 'Avanti' }).click();

  // 3 Dettagli.
  await page.getByRole('heading', { name: 'Dettagli appuntamento' }).waitFor();
  await page.getByLabel("Motivo dell'appuntamento *").fill('Avviso di pagamento 2026');
  await visitor.audit('booking: details');
  await page.getByRole('button', { name: 'Avanti' }).click();

  // 4 Richiedente: the domain's checks in the browser, then the data.
  await page.getByRole('heading', { name: 'Richiedente' }).waitFor();
  await page.getByRole('button', { name: 'Avanti' }).click();
  await page.locator('#error-summary').waitFor();
  await visitor.audit('booking: applicant (errors)');
  const email = `visitatore.${Date.now()}@example.it`;
  await page.getByLabel('Nome *', { exact: true }).fill('Marta');
  await page.getByLabel('Cognome *', { exact: true }).fill('Ferri');
  await page.getByLabel('E-mail *', { exact: true }).fill(email);
  await check(page.getByLabel(/Ho letto e accetto/));
  await page.getByRole('button', { name: 'Avanti' }).click();

  // 5 Riepilogo → confirmation.
  await page.getByRole('heading', { name: 'Riepilogo' }).waitFor();
  const summary = await page.getByTestId('booking-summary').textContent();
  assert.match(summary, new RegExp(time));
  assert.match(summary, /Marta Ferri/);
  await visitor.audit('booking: summary');
  await page.getByRole('button', { name: 'Conferma prenotazione' }).click();
  await page.getByRole('heading', { name: 'Appuntamento prenotato' }).waitFor();
  const reference = (await page.getByTestId('booking-reference').textContent()).trim();
  assert.match(await page.getByTestId('booking-status').textContent(), /Confermata/);
  const manage = await page.getByTestId('manage-link').getAttribute('href');
  const code = manage.replace('/prenotazioni/', '');
  // "Valuta questo servizio" is a page of its own: the booking's first load stays small.
  assert.equal(await page.getByTestId('rate-link').getAttribute('href'), '/valuta?pagina=%2Fprenotazioni');
  await visitor.audit('booking: confirmation');
  await screenshots(visitor, 'booking-confirmation');
  await page.setViewportSize(VIEWPORTS.phone);

  // The API holds it at that time; the calendar link is the booking's .ics.
  const held = await getJson(`/public/bookings/${code}`);
  assert.equal(held.reference, reference);
  assert.equal(held.status, 'confirmed');
  assert.equal(held.email, email);
  const local = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' }).format(new Date(held.start));
  assert.equal(local, time);
  assert.equal(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(held.start)), day);
  const ics = await fetch(server.url + (await page.getByTestId('calendar-link').getAttribute('href')));
  assert.equal(ics.status, 200);
  assert.match(ics.headers.get('content-type'), /text\/calendar/);
  assert.match(await ics.text(), /BEGIN:VEVENT/);
  // The mail, with the .ics attached and the manage link.
  const raw = await waitForMail([new RegExp(`^To:.*${email.replace(/[.+]/g, '\\$&')}`, 'mi'), /text\/calendar/i]);
  const text = textOf(raw);
  assert.match(text, /il suo appuntamento è confermato/);
  assert.match(text, new RegExp(reference));
  assert.match(text, /BEGIN:VCALENDAR/);
  assert.match(text, new RegExp(`/prenotazioni/${code}`));
  assert.ok(!since.has(raw));
  booking = { code, reference, email, start: held.start };
});

test('(a) from the manage link the visitor moves the appointment, then cancels it', async () => {
  const { page } = visitor;
  assert.ok(booking, 'the booking of the previous test');
  const since = new Set(mails());
  await page.getByTestId('manage-link').click();
  await titled(visitor, 'Gestisci prenotazione');
  await page.getByTestId('booking-reference').getByText(booking.reference).waitFor();
  await visitor.audit('manage booking');
  await screenshots(visitor, 'manage-booking');
  await page.setViewportSize(VIEWPORTS.phone);

  // Move: another day, its last free time.
  await page.getByRole('button', { name: 'Scegli un altro orario' }).click();
  const current = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(booking.start));
  await chooseDay(page, current);
  const times = page.getByRole('group', { name: /Orari liberi di/ });
  await check(times.getByRole('radio').last());
  const time = await times.locator('label').last().textContent();
  await visitor.audit('manage booking: new time');
  await page.getByRole('button', { name: 'Conferma il nuovo orario' }).click();
  await page.getByRole('status').filter({ hasText: 'Appuntamento spostato' }).waitFor();
  const moved = await getJson(`/public/bookings/${booking.code}`);
  assert.notEqual(moved.start, booking.start);
  assert.equal(new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' }).format(new Date(moved.start)), time);
  assert.equal(moved.status, 'confirmed');
  assert.match(await waitForMailTo(booking.email, /è stato spostato al nuovo orario/, { since }), new RegExp(booking.reference));
  await visitor.audit('manage booking: moved');

  // Cancel, after a confirmation question.
  await page.getByRole('button', { name: 'Annulla prenotazione' }).click();
  await page.getByRole('button', { name: "Sì, annulla l'appuntamento" }).click();
  await page.getByRole('status').filter({ hasText: 'Prenotazione annullata' }).waitFor();
  assert.match(await page.getByTestId('booking-status').textContent(), /Annullata/);
  await visitor.audit('manage booking: cancelled');
  const cancelled = await getJson(`/public/bookings/${booking.code}`);
  assert.equal(cancelled.status, 'cancelled');
  assert.match(await waitForMailTo(booking.email, /è stato annullato come richiesto/, { since }), new RegExp(booking.reference));
  const ics = await (await fetch(api(`/public/bookings/${booking.code}/calendar.ics`))).text();
  assert.match(ics, /METHOD:CANCEL/);
  // A reload shows it cancelled, no longer changeable.
  await open(visitor, server.url, `/prenotazioni/${booking.code}`);
  await page.getByText('non si può più spostare o annullare online').waitFor();
  await visitor.audit('manage booking: after cancel');
});

test('(b) an operator checks a visitor in from the console agenda', async () => {
  const { page } = operator;
  // A desk open all day, every day, so the visit can be today whenever the test runs.
  const admin = await token(account(server.demo, 'admin'));
  const [tributi] = (await getJson('/offices', admin)).filter((o) => /Tributi/.test(o.name));
  const all = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
  const created = await fetch(api('/desks'), {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Sportello di prova', office_id: tributi.id, mode: 'in_person', open_on_holidays: true,
      services: [{ code: 'prova', name: 'Colloquio', duration_minutes: 5 }], capacity: 1,
      min_notice_minutes: 0, cancel_until_minutes: 0, weekly: all,
    }),
  });
  const desk = JSON.parse(await created.text());
  assert.equal(created.status, 201, JSON.stringify(desk));
  const today = romeToday();
  const { items } = await getJson(`/public/desks/${desk.id}/slots?from=${today}&to=${today}`);
  const slot = items.find((s) => s.remaining > 0);
  assert.ok(slot, 'a free slot today');
  const booked = await fetch(api('/public/bookings'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      desk_id: desk.id, service: 'prova', start: slot.start, mode: 'in_person', first_name: 'Luca',
      last_name: 'Bassi', email: `luca.bassi.${Date.now()}@example.it`, subject: 'Cambio di residenza', privacy_accepted: true,
    }),
  });
  const answer = JSON.parse(await booked.text());
  assert.equal(booked.status, 201, JSON.stringify(answer));
  const { reference } = answer;

  const op = account(server.demo, 'operator', /tributi/);
  await open(operator, server.url, '/console/accedi');
  await titled(operator, 'Accesso operatori');
  await operator.audit('console login');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(op.username);
  await page.getByLabel('Password *', { exact: true }).fill(op.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await titled(operator, 'Coda delle pratiche');
  await operator.audit('console queue');
  await page.getByRole('navigation', { name: 'Navigazione della console' }).getByRole('link', { name: 'Agenda dello sportello' }).click();
  await titled(operator, 'Agenda dello sportello');
  await page.getByLabel('Sportello', { exact: true }).selectOption(desk.id);
  const card = page.getByTestId('agenda-booking').filter({ hasText: reference });
  await card.waitFor();
  await operator.audit('console agenda (day)');
  await check(page.getByLabel('Settimana'));
  await card.waitFor();
  await operator.audit('console agenda (week)');
  await screenshots(operator, 'console-agenda');
  await card.getByLabel('Note interne').fill('Porta il contratto di locazione.');
  await card.getByRole('button', { name: 'Salva note' }).click();
  await card.getByRole('status').filter({ hasText: 'Note salvate.' }).waitFor();
  await card.getByRole('button', { name: 'Presente' }).click();
  await page.getByRole('status').filter({ hasText: `Prenotazione ${reference}: Presentato allo sportello.` }).waitFor();
  await page.getByTestId('agenda-booking').filter({ hasText: reference }).locator('[data-status=checked_in]').waitFor();
  await operator.audit('console agenda (checked in)');
  const opToken = await token(op);
  const list = await getJson(`/bookings?desk_id=${desk.id}&from=${today}&to=${today}`, opToken);
  const view = list.find((b) => b.reference === reference);
  assert.equal(view.status, 'checked_in');
  assert.ok(view.checked_in_at);
  assert.equal(view.notes, 'Porta il contratto di locazione.');
});

test('(c) a citizen books a bulky-waste pickup; the route sheet lists it', async () => {
  const { page } = citizen;
  const who = account(server.demo, 'citizen');
  // Signed out, the page sends the citizen to sign in and back.
  await page.goto(`${server.url}/ritiro-ingombranti`);
  await page.waitForURL(/\/accedi\?next=/);
  await titled(citizen, "Accedi all'area personale");
  citizen.skipAudit('/ritiro-ingombranti');
  await citizen.audit('login (pickup)');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(who.username);
  await page.getByLabel('Password *', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.waitForURL(/\/ritiro-ingombranti$/);
  await titled(citizen, 'Prenota il ritiro ingombranti');
  const day = page.getByLabel('Giorno del ritiro *');
  await day.locator('option').nth(1).waitFor({ state: 'attached' });
  await citizen.audit('pickup form');
  // No day chosen: the error summary, linked to the field.
  await page.getByRole('button', { name: 'Prenota il ritiro' }).click();
  await page.locator('#error-summary').waitFor();
  await citizen.audit('pickup form (errors)');
  const date = await day.locator('option').nth(1).getAttribute('value');
  await day.selectOption(date);
  await page.getByLabel(/^Divano/).fill('1');
  await page.getByLabel(/^Sedia/).fill('2');
  await page.getByLabel('Indirizzo del ritiro *').fill('Via Roma 12');
  await page.getByLabel('Telefono *', { exact: true }).fill('333 1234567');
  await page.getByLabel('Note per la squadra').fill('Citofono Rossi');
  await page.getByRole('button', { name: 'Prenota il ritiro' }).click();
  const protocol = (await page.getByTestId('protocol-number').textContent()).trim();
  assert.match(protocol, /\d/);
  assert.match(await page.getByTestId('due-date').textContent(), /\d{2}\/\d{2}\/\d{4}/);
  assert.equal(await page.getByTestId('rate-link').getAttribute('href'), '/valuta?pagina=%2Fritiro-ingombranti');
  await citizen.audit('pickup booked');
  await screenshots(citizen, 'pickup-booked');
  // The API: the citizen's pickup, filed as a TQRIF ritiro su chiamata.
  const cit = await token(who);
  const mine = (await getJson('/pickups', cit)).find((p) => p.protocol_number === protocol);
  assert.ok(mine, 'the pickup is the citizen\'s');
  assert.equal(mine.date, date);
  assert.equal(mine.pieces, 4);
  const request = await getJson(`/requests/${mine.request_id}`, cit);
  assert.equal(request.kind, 'ritiro_su_chiamata');

  // The crew's route sheet of that day lists it.
  const crew = await person(browser, 'crew');
  const acc = account(server.demo, 'operator', /raccolta/);
  await open(crew, server.url, '/console/accedi');
  await crew.audit('console login (crew)');
  await crew.page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await crew.page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await crew.page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await titled(crew, 'Coda delle pratiche');
  await crew.audit('console queue (crew)');
  await crew.page.getByRole('link', { name: 'Giro dei ritiri' }).click();
  await titled(crew, 'Giro dei ritiri');
  await crew.page.getByLabel('Giorno', { exact: true }).fill(date);
  const stop = crew.page.getByTestId('route-stop').filter({ hasText: protocol });
  await stop.waitFor();
  assert.match(await stop.textContent(), /Via Roma 12/);
  await crew.audit('route sheet');
  await screenshots(crew, 'route-sheet');
  crew.assertAllAudited();
  assert.deepEqual(crew.unexpected(), []);
});

test('(d) an administrator closes a desk on a date; the booking page shows the notice', async () => {
  const { page } = admin;
  const acc = account(server.demo, 'admin');
  await open(admin, server.url, '/console/accedi');
  await admin.audit('console login (admin)');
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await titled(admin, 'Coda delle pratiche');
  await admin.audit('console queue (admin)');
  const nav = page.getByRole('navigation', { name: 'Navigazione della console' });
  await nav.getByRole('link', { name: 'Zone e oggetti da ritirare' }).click();
  await titled(admin, 'Zone e oggetti da ritirare');
  await page.getByRole('cell', { name: 'Centro e frazioni', exact: true }).waitFor();
  await page.getByRole('cell', { name: 'Frigorifero o congelatore', exact: true }).waitFor();
  await admin.audit('admin: pickup zones');
  await nav.getByRole('link', { name: 'Sportelli e orari' }).click();
  await titled(admin, 'Sportelli e orari');
  await page.getByTestId('opening-check').waitFor();
  await admin.audit('admin: desks');
  await page.getByRole('button', { name: 'Modifica Sportello TARI' }).click();
  const weekly = page.getByTestId('weekly-editor');
  await weekly.getByLabel('Giorno della settimana').first().waitFor();
  assert.equal(await weekly.getByLabel('Giorno della settimana').count(), 7, 'the seeded weekly ranges');
  await admin.audit('admin: desk form');
  await screenshots(admin, 'console-desk-form');
  // A closure in three weeks, with a public note.
  const when = new Date(Date.now() + 21 * 86400000).toISOString().slice(0, 10);
  await page.getByRole('button', { name: 'Aggiungi eccezione' }).click();
  const rows = await page.locator('[id^=ov-date-]').count();
  await page.locator(`#ov-date-${rows - 1}`).fill(when);
  await page.locator(`#ov-note-${rows - 1}`).fill('Chiuso per inventario');
  await page.getByRole('button', { name: 'Salva', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Operazione eseguita.' }).waitFor();
  await admin.audit('admin: desk saved');
  const desks = await getJson('/public/desks');
  const tari = desks.find((d) => d.name === 'Sportello TARI');
  assert.ok(tari.notices.some((n) => n.date === when && n.closed && n.note === 'Chiuso per inventario'), JSON.stringify(tari.notices));
  // The public page lists it.
  await open(visitor, server.url, '/prenotazioni');
  await check(visitor.page.getByLabel(/Sportello TARI/));
  await visitor.page.getByText('Chiuso: Chiuso per inventario').first().waitFor();
  await visitor.audit('booking: place (with the closure)');
  // In English too.
  await visitor.page.getByRole('button', { name: /English/ }).click();
  await titled(visitor, 'Book an appointment');
  await visitor.page.getByRole('heading', { name: 'Place' }).waitFor();
  await visitor.page.getByText('Closed: Chiuso per inventario').first().waitFor();
  await visitor.audit('booking: place (English)');
  await visitor.page.getByRole('button', { name: /Italiano/ }).click();
  await titled(visitor, 'Prenota appuntamento');
});

test('(e) the e-mailed confirmation link confirms a booking held for confirmation', async () => {
  const { page } = visitor;
  const admin = await token(account(server.demo, 'admin'));
  const [tributi] = (await getJson('/offices', admin)).filter((o) => /Tributi/.test(o.name));
  const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '20:00' }));
  const created = await fetch(api('/desks'), {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Sportello con conferma', office_id: tributi.id, mode: 'in_person', open_on_holidays: true, confirm_by_email: true,
      services: [{ code: 'info', name: 'Informazioni', duration_minutes: 15 }], weekly,
    }),
  });
  const desk = JSON.parse(await created.text());
  assert.equal(created.status, 201, JSON.stringify(desk));
  const { items } = await getJson(`/public/desks/${desk.id}/slots`);
  const slot = items.find((s) => s.remaining > 0);
  const email = `conferma.${Date.now()}@example.it`;
  const res = await fetch(api('/public/bookings'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      desk_id: desk.id, service: 'info', start: slot.start, mode: 'in_person', first_name: 'Sara',
      last_name: 'Villa', email, subject: 'Informazioni sulla TARI', privacy_accepted: true,
    }),
  });
  const held = JSON.parse(await res.text());
  assert.equal(res.status, 201, JSON.stringify(held));
  assert.equal(held.status, 'pending_confirmation');
  const text = await waitForMailTo(email, /entro 15 minuti/);
  const link = /\S*\/prenotazioni\/[^\s/]+\/conferma\?token=\S+/.exec(text)[0];
  await page.goto(server.url + link.slice(link.indexOf('/prenotazioni/')));
  await titled(visitor, 'Conferma della prenotazione');
  await page.getByTestId('booking-status').getByText('Confermata').waitFor();
  await visitor.audit('booking confirmation link');
  assert.equal((await getJson(`/public/bookings/${held.code}`)).status, 'confirmed');
});
