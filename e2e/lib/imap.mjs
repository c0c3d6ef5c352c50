// Delivers a mail into a user's INBOX on the test Dovecot (started by scripts/test.sh; see
// scripts/lib.sh) with IMAP APPEND, as the Comune's mail provider would: the server then
// fetches it like any other mail.
import { connect } from 'node:net';

/** The Dovecot address and the password every user has there. */
export function imapServer() {
  const addr = process.env.SPORTELLO_TEST_IMAP;
  const password = process.env.SPORTELLO_TEST_IMAP_PASSWORD;
  if (!addr || !password) throw new Error('SPORTELLO_TEST_IMAP and SPORTELLO_TEST_IMAP_PASSWORD must name the test Dovecot (scripts/test.sh starts it)');
  const [host, port] = addr.split(':');
  return { host, port: Number(port), password };
}

/** Appends the raw RFC 5322 `mail` to `user`'s INBOX. */
export function appendMail(user, mail) {
  const { host, port, password } = imapServer();
  const bytes = Buffer.from(mail.replace(/\r?\n/g, '\r\n'), 'utf8');
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let buffer = '';
    let step = 0;
    const send = (line) => socket.write(`${line}\r\n`);
    socket.setTimeout(10000, () => socket.destroy(new Error('IMAP: no answer within 10 s')));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      const lines = buffer.split('\r\n');
      buffer = lines.pop();
      for (const line of lines) {
        if (/^a\d (NO|BAD)/.test(line)) return socket.destroy(new Error(`IMAP: ${line}`));
        if (step === 0 && line.startsWith('* OK')) {
          step = 1;
          send(`a1 LOGIN "${user}" "${password}"`);
        } else if (step === 1 && line.startsWith('a1 OK')) {
          step = 2;
          send(`a2 APPEND INBOX {${bytes.length}}`);
        } else if (step === 2 && line.startsWith('+')) {
          step = 3;
          socket.write(bytes);
          socket.write('\r\n');
        } else if (step === 3 && line.startsWith('a2 OK')) {
          step = 4;
          send('a3 LOGOUT');
        } else if (step === 4 && line.startsWith('a3 OK')) {
          socket.end();
          resolve();
        }
      }
    });
  });
}
