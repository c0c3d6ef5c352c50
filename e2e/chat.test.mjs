// Live chat in the browser: (a) outside the chat's hours the demo citizen is told when the
// desk opens and offered a written request instead; (b) within the hours, with an operator
// of the office connected, the citizen opens a chat and waits in the queue, the operator
// gets the announced cue in the console and accepts, they write both ways (each sees the
// other typing, the operator sees "Letto"), the citizen sends a document, the operator
// inserts a FAQ answer, then turns the chat into a request whose thread starts with the
// transcript; the citizen asks for the transcript by e-mail (SMTP sink).
// The chat is open within the desks' weekly hours only, and the server runs at any hour:
// an administrator sets every desk's hours through the API for each case and puts the
// demo hours back at the end. Axe on every page, at 360 and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, open, titled, screenshots } from './lib/browser.mjs';
import { startServer, account } from './lib/server.mjs';
import { makePdf } from './lib/fixtures.mjs';
import { waitForMailTo } from './lib/mailsink.mjs';

const TOPIC = 'tari_informazioni';

let server, browser, citizen, operator, mario, staff, adminToken, marioToken;
let savedHours = [];

async function api(path, token, { method, body } = {}) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method: method || (body ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function tokenOf(acc) {
  const t = await api('/auth/login', null, { body: { username: acc.username, password: acc.password } });
  return t.access_token;
}

/** Every desk gets `weekly` (the chat's hours are the union of the desks' hours). */
async function setHours(weekly) {
  for (const d of await api('/desks', adminToken)) {
    await api(`/desks/${d.id}`, adminToken, { method: 'PATCH', body: { weekly } });
  }
}

/** Today's weekday in Rome, 1 = Monday … 7 = Sunday. */
function romeWeekday() {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', weekday: 'short' }).format(new Date());
  return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(day) + 1;
}

before(async () => {
  server = await startServer();
  browser = await launch();
  citizen = await person(browser, 'citizen');
  operator = await person(browser, 'operator');
  mario = account(server.demo, 'citizen');
  staff = account(server.demo, 'operator', /tributi/);
  adminToken = await tokenOf(account(server.demo, 'admin'));
  marioToken = await tokenOf(mario);
  savedHours = (await api('/desks', adminToken)).map((d) => ({ id: d.id, weekly: d.weekly }));
});

after(async () => {
  // The demo hours back, for the files that follow.
  for (const d of savedHours) {
    await api(`/desks/${d.id}`, adminToken, { method: 'PATCH', body: { weekly: d.weekly } }).catch(() => {});
  }
  for (const who of [citizen, operator]) {
    if (!who) continue;
    who.assertAllAudited();
    assert.deepEqual(who.unexpected(), [], `${who.label}: unexpected console errors`);
  }
  await browser?.close();
  await server?.stop();
});

async function fillLogin(who, acc) {
  const { page } = who;
  await page.getByLabel('E-mail o codice fiscale *', { exact: true }).fill(acc.username);
  await page.getByLabel('Password *', { exact: true }).fill(acc.password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
}

test('outside the hours the chat says when it opens and offers a written request', async () => {
  const { page } = citizen;
  // One hour on another day of the week: closed now, whatever the time.
  const other = (romeWeekday() % 7) + 1;
  await setHours([{ weekday: other, start: '09:00', end: '10:00' }]);

  // Every portal page links to the chat (a full page load: another app).
  await open(citizen, server.url, '/');
  await citizen.audit('home');
  const link = page.getByRole('link', { name: 'Chatta con lo sportello' });
  assert.equal(await link.getAttribute('href'), '/chat');
  assert.equal(await link.getAttribute('rel'), 'external');
  await link.click();
  // Signed-in citizens only: to the sign-in page and back.
  await page.waitForURL(/\/accedi\?next=%2Fchat/);
  await titled(citizen, 'Accedi');
  await citizen.audit('login');
  await fillLogin(citizen, mario);
  await page.waitForURL(/\/chat$/);
  await titled(citizen, 'Chatta con lo sportello');

  const closed = page.getByTestId('chat-closed');
  await closed.getByText(/La chat è chiusa ora\. Riapre \d\d\/\d\d\/\d{4} 09:00\./).waitFor();
  const offer = closed.getByRole('link', { name: 'Presenta una richiesta' });
  assert.equal(await offer.getAttribute('href'), '/nuova-richiesta');
  assert.equal(await offer.getAttribute('rel'), 'external');
  assert.match(await page.getByTestId('chat-hours').textContent(), /09:00–10:00/);
  // No topic to pick while closed.
  assert.equal(await page.locator('#chat-topic').count(), 0);
  await citizen.audit('chat closed');
  await screenshots(citizen, 'chat-closed');
});

test('a citizen chats with an operator, who turns the chat into a request', async () => {
  const c = citizen.page;
  const o = operator.page;
  await setHours([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })));

  // The operator has the console open: online for the office's topics.
  await open(operator, server.url, '/console/accedi');
  await operator.audit('console login');
  await fillLogin(operator, staff);
  await o.waitForURL(/\/console$/);
  await titled(operator, 'Coda delle pratiche');
  await operator.audit('console queue');
  await o.locator('.console-nav').getByRole('link', { name: /^Chat/ }).click();
  await titled(operator, 'Chat con i cittadini');
  await o.getByText('Nessuna chat.').waitFor();
  await operator.audit('chat queue (empty)');

  // The citizen's page shows the chat open once the operator's connection counts.
  let topicName;
  for (let i = 0; ; i++) {
    const a = await api('/chats/availability', marioToken);
    const t = a.topics.find((x) => x.code === TOPIC);
    if (a.open && t?.online) {
      topicName = t.name;
      break;
    }
    assert.ok(i < 50, `the chat did not open: ${JSON.stringify(a)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await c.reload();
  await titled(citizen, 'Chatta con lo sportello');
  await c.getByLabel('Argomento *', { exact: true }).selectOption(TOPIC);
  await c.getByText('La chat è aperta: un operatore è disponibile.').waitFor();
  await citizen.audit('chat open');
  const first = 'Buongiorno, vorrei sapere come si calcola la TARI per un box auto.';
  await c.getByLabel('Il tuo messaggio (facoltativo)', { exact: true }).fill(first);
  await c.getByRole('button', { name: 'Inizia la chat' }).click();
  await c.getByTestId('chat-status').getByText(/^Sei il n\. \d+ in coda$/).waitFor();
  await c.getByTestId('chat-log').getByText(first).waitFor();
  // Back on the page later (reloaded, another tab), the open chat is resumed.
  await c.reload();
  await c.getByTestId('chat-status').getByText(/^Sei il n\. \d+ in coda$/).waitFor();
  await c.getByTestId('chat-log').getByText(first).waitFor();
  await citizen.audit('chat waiting');
  await screenshots(citizen, 'chat-waiting');

  // The console announces it (assertive live region) and marks it in the queue.
  const cue = o.getByTestId('chat-cue');
  await cue.getByText(`Nuova chat in attesa: ${topicName}`).waitFor();
  assert.equal(await cue.getAttribute('aria-live'), 'assertive');
  await o.getByTestId('chat-waiting-count').waitFor();
  const row = o.getByTestId('chat-row').filter({ hasText: 'Nuova' }).filter({ hasText: topicName });
  await row.waitFor();
  await operator.audit('chat queue (new chat)');
  await screenshots(operator, 'chat-queue');
  await row.getByRole('link', { name: topicName }).click();
  await titled(operator, /Chat con /);
  await o.getByTestId('chat-log').getByText(first).waitFor();
  await operator.audit('chat conversation (waiting)');
  await o.getByRole('button', { name: 'Accetta' }).click();
  await o.getByTestId('chat-status').getByText(`Seguita da ${staff.name}`).waitFor();

  // The citizen sees who answers, live.
  await c.getByTestId('chat-status').getByText(`Stai parlando con ${staff.name}`).waitFor();

  // The operator writes: the citizen sees the typing cue, then the message.
  const answer = 'Buongiorno, per un box pertinenziale si paga solo la parte fissa. Mi conferma la superficie?';
  await o.getByLabel('Messaggio *', { exact: true }).pressSequentially('Buongiorno, per ', { delay: 20 });
  await c.getByTestId('typing').getByText('L\'operatore sta scrivendo…').waitFor();
  await o.getByLabel('Messaggio *', { exact: true }).fill(answer);
  await o.getByTestId('chat-composer').getByRole('button', { name: 'Invia' }).click();
  await c.getByTestId('chat-log').getByText(answer).waitFor();
  // The citizen's page is visible: it marks the message read, and the operator sees it.
  await o.getByTestId('read-mark').getByText('Letto').waitFor();
  await operator.audit('chat conversation (active)');

  // The citizen answers with a document: the operator sees the typing cue and the file.
  const reply = 'Sono 18 m². Allego la planimetria.';
  await c.getByLabel('Messaggio *', { exact: true }).pressSequentially('Sono 18', { delay: 20 });
  await o.getByTestId('typing').getByText('Il cittadino sta scrivendo…').waitFor();
  await c.getByLabel('Messaggio *', { exact: true }).fill(reply);
  await c.getByLabel('Allegati (facoltativi)').setInputFiles({
    name: 'planimetria-box.pdf',
    mimeType: 'application/pdf',
    buffer: makePdf('Planimetria box auto'),
  });
  await c.getByTestId('chat-composer').getByRole('button', { name: 'Invia' }).click();
  await c.getByTestId('chat-log').getByRole('button', { name: /planimetria-box\.pdf/ }).waitFor();
  assert.equal(await c.getByLabel('Allegati (facoltativi)').inputValue(), '');
  await o.getByTestId('chat-log').getByText(reply).waitFor();
  await o.getByTestId('chat-log').getByRole('button', { name: /planimetria-box\.pdf/ }).waitFor();
  await citizen.audit('chat active');
  await screenshots(citizen, 'chat-active');

  // A ready answer from the FAQ goes into the box, to be sent as it is or adapted.
  const canned = o.getByLabel('Risposta pronta (FAQ)', { exact: true });
  const faq = await canned.locator('option').nth(1).getAttribute('value');
  await canned.selectOption(faq);
  await o.getByRole('button', { name: 'Inserisci nel messaggio' }).click();
  const inserted = await o.getByLabel('Messaggio *', { exact: true }).inputValue();
  assert.ok(inserted.length > 20, 'the FAQ answer is in the message box');
  await o.getByTestId('chat-composer').getByRole('button', { name: 'Invia' }).click();
  await c.getByTestId('chat-log').getByText(inserted.slice(0, 40)).waitFor();
  await operator.audit('chat conversation (files and FAQ)');
  await screenshots(operator, 'chat-conversation');

  // The chat becomes a request (information by default); its thread starts with the chat.
  await o.getByRole('button', { name: 'Converti in pratica' }).click();
  const converted = o.getByTestId('converted');
  await converted.waitFor();
  const protocol = /Pratica n\. (\S+) creata/.exec(await converted.textContent())?.[1];
  assert.ok(protocol, 'the protocol number is shown');
  await operator.audit('chat conversation (converted)');
  const requestId = (await converted.getByRole('link').getAttribute('href')).split('/').pop();
  await converted.getByRole('link').click();
  await titled(operator, `Pratica ${protocol}`);
  const thread = o.locator('.thread > li');
  await thread.first().waitFor();
  assert.match(await thread.first().textContent(), /come si calcola la TARI per un box auto/);
  await o.locator('.thread').getByText(answer).waitFor();
  await o.locator('.thread').getByRole('button', { name: /planimetria-box\.pdf/ }).waitFor();
  await operator.audit('request from the chat');
  // The citizen's request, received when the chat started.
  const request = await api(`/requests/${requestId}`, marioToken);
  assert.equal(request.protocol_number, protocol);

  // The citizen sees the chat ended and the request it became; the transcript by e-mail.
  await c.getByText('La chat è terminata.').waitFor();
  await c.getByText(`La conversazione è diventata la pratica n. ${protocol}.`).waitFor();
  const toRequest = c.getByRole('link', { name: 'Apri la pratica' });
  assert.match(await toRequest.getAttribute('href'), /^\/area-personale\/pratiche\//);
  await c.getByRole('button', { name: 'Ricevi la trascrizione per e-mail' }).click();
  await c.getByRole('status').filter({ hasText: 'Ti abbiamo inviato la trascrizione per e-mail.' }).waitFor();
  const mail = await waitForMailTo(mario.username, /Sono 18 m/);
  assert.match(mail, /trascrizione/i);
  await citizen.audit('chat ended');
  await screenshots(citizen, 'chat-ended');
});
