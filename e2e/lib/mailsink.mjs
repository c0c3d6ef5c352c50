// The SMTP sink the server delivers to during the browser tests: aiosmtpd writing each mail
// it receives to a Maildir (started by scripts/test.sh; see scripts/lib.sh). The tests read
// what a citizen or an office would receive from there.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The sink's SMTP address and Maildir, or an error naming what is missing. */
export function sink() {
  const smtp = process.env.SPORTELLO_TEST_SMTP;
  const maildir = process.env.SPORTELLO_TEST_SMTP_MAILDIR;
  if (!smtp || !maildir) {
    throw new Error('SPORTELLO_TEST_SMTP and SPORTELLO_TEST_SMTP_MAILDIR must name the SMTP sink (scripts/test.sh starts it)');
  }
  return { smtp, maildir };
}

/** Every mail in the sink, as raw RFC 5322 text. */
export function mails() {
  const dir = join(sink().maildir, 'new');
  return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'latin1'));
}

/** Waits for a mail whose raw text matches every pattern; returns it. */
export async function waitForMail(patterns, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = mails().find((m) => patterns.every((p) => p.test(m)));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail matching ${patterns.join(', ')} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
