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

/**
 * The readable text of a raw mail: every MIME part's body decoded (quoted-printable or
 * base64) and joined, so a test can find a link the mail carries.
 */
export function textOf(raw) {
  const parts = [];
  const leaf = /Content-Transfer-Encoding:[ \t]*([\w-]+)[^\n]*\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)(?=\r?\n--|$)/gi;
  for (const [, encoding, body] of raw.matchAll(leaf)) {
    switch (encoding.toLowerCase()) {
      case 'base64':
        parts.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
        break;
      case 'quoted-printable':
        parts.push(
          Buffer.from(
            body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
        );
        break;
      default:
        parts.push(Buffer.from(body, 'latin1').toString('utf8'));
    }
  }
  return parts.length ? parts.join('\n') : raw;
}

/** Waits for a new mail to `to` whose decoded text matches `pattern`; returns that text. */
export async function waitForMailTo(to, pattern, { since = new Set(), timeoutMs = 20000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const recipient = new RegExp(`^To:.*${to.replace(/[.+]/g, '\\$&')}`, 'mi');
  for (;;) {
    const found = mails()
      .filter((m) => !since.has(m) && recipient.test(m))
      .map(textOf)
      .find((t) => pattern.test(t));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${pattern} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
