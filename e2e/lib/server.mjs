// The real Sportello binary on a throwaway SQLite database with the demo seed, for the
// browser tests. `startServer()` seeds, serves on a free loopback port and waits until the
// server is ready; `stop()` ends it (SIGTERM, then SIGKILL) and removes the temp files.
// When SPORTELLO_URL is set (e2e/run.mjs started one server for every test file), the
// tests use that server and the demo accounts it passed on in SPORTELLO_DEMO.
import { spawn, execFileSync } from 'node:child_process';
import { sink } from './mailsink.mjs';
import { mkdtempSync, rmSync, existsSync, createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, ARTIFACTS } from './browser.mjs';

/** The server binary: SPORTELLO_BIN, else the debug build in CARGO_TARGET_DIR or target/. */
export function binaryPath() {
  if (process.env.SPORTELLO_BIN) return process.env.SPORTELLO_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(ROOT, 'target');
  return join(target, 'debug', 'sportello');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Reads the accounts `sportello seed-demo` prints:
 *   Every demo account uses the password: …
 *   operator   operatore.tributi@comune.esempio.it   Giulia Conti (Ufficio Tributi)
 */
export function parseSeed(output) {
  const password = /password:\s*(\S+)/.exec(output)?.[1];
  const accounts = [];
  for (const line of output.split('\n')) {
    const m = /^\s+(admin|supervisor|operator|citizen)\s+(\S+@\S+)\s+(.+?)\s*$/.exec(line);
    if (m) accounts.push({ role: m[1], username: m[2], name: m[3].replace(/\s*\(.*$/, '') });
  }
  if (!password || accounts.length === 0) throw new Error(`unexpected seed-demo output:\n${output}`);
  return { password, accounts };
}

/** Picks an account: `account(demo, 'operator', /tributi/)`. */
export function account(demo, role, match = /./) {
  const found = demo.accounts.find((a) => a.role === role && match.test(a.username));
  if (!found) throw new Error(`no demo ${role} matching ${match}`);
  return { ...found, password: demo.password };
}

async function waitReady(url, child, log) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sportello exited with ${child.exitCode}; see ${log}`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`sportello not ready after 30 s; see ${log}`);
}

/**
 * The local pagoPA (`scripts/fakes/pagopa.py`, standard-library Python) on a free loopback
 * port with its own subscription key; `stop()` ends it.
 */
export async function startPagopa() {
  const port = await freePort();
  const key = `e2e-gpd-key-${process.pid}`;
  const child = spawn('/usr/bin/python3', [join(ROOT, 'scripts', 'fakes', 'pagopa.py'), String(port), key], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await exited;
    }
  };
  const deadline = Date.now() + 10000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`scripts/fakes/pagopa.py exited with ${child.exitCode}`);
    try {
      await fetch(`${url}/_test/calls`);
      return { url, key, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error('the local pagoPA did not start');
      }
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
}

/**
 * The test OpenID provider for SPID and CIE (`scripts/oidc/op.py`, in the venv that
 * `scripts/test.sh` makes with `oidc_venv`) on a free loopback port; `stop()` ends it.
 */
export async function startOidc() {
  const python = join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'venv-oidc', 'bin', 'python');
  if (!existsSync(python)) throw new Error(`${python} is missing: run scripts/test.sh (or oidc_venv from scripts/lib.sh)`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(python, [join(ROOT, 'scripts', 'oidc', 'op.py'), '--port', String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await exited;
    }
  };
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`scripts/oidc/op.py exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/_test/health`);
      if (res.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('the test OpenID provider did not start');
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/**
 * The server for this run: the shared one (SPORTELLO_URL) or a new one.
 * `platformAdmin: {email, password}` also makes that account a platform administrator
 * (`sportello create-admin --platform`) before the server starts: always on a server of
 * its own, since the shared one has no such account.
 */
export async function startServer({ platformAdmin } = {}) {
  if (process.env.SPORTELLO_URL && !platformAdmin) {
    const demo = JSON.parse(process.env.SPORTELLO_DEMO || 'null');
    if (!demo) throw new Error('SPORTELLO_URL is set but SPORTELLO_DEMO (the demo accounts) is not');
    return { url: process.env.SPORTELLO_URL.replace(/\/$/, ''), demo, stop: async () => {} };
  }
  const bin = binaryPath();
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run cargo build -p api (or set SPORTELLO_BIN)`);
  const webDir = process.env.SPORTELLO_WEB_DIR || join(ROOT, 'dist');
  if (!existsSync(join(webDir, 'index.html'))) throw new Error(`${webDir}/index.html is missing: run scripts/build-web.sh`);

  const dir = mkdtempSync(join(tmpdir(), 'sportello-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The local pagoPA (GPD and Checkout, scripts/fakes/pagopa.py): the demo Comune is set up
  // against it, so the demo taxpayer has notices and pays them on its Checkout page.
  // Before any helper starts: a missing SMTP sink must not leave them running.
  const smtp = sink().smtp;
  const pagopa = await startPagopa();
  // The test OpenID provider: the demo Comune has "Entra con SPID" and "Entra con CIE".
  let oidc;
  try {
    oidc = await startOidc();
  } catch (e) {
    await pagopa.stop();
    throw e;
  }
  const oidcKey = join(dir, 'oidc-rp.pem');
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', oidcKey], {
    stdio: 'ignore',
  });
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${join(dir, 'sportello.db')}`,
    SPORTELLO_FILES_DIR: join(dir, 'files'),
    SPORTELLO_WEB_DIR: webDir,
    SPORTELLO_BIND: `127.0.0.1:${port}`,
    // Each test logs in several times from the same address.
    SPORTELLO_RATE_LIMIT_PER_MINUTE: '1000',
    // The mail tests point a mailbox at local ports.
    SPORTELLO_ALLOW_LOOPBACK_INTEGRATIONS: 'true',
    SPORTELLO_LOG: process.env.SPORTELLO_LOG || 'warn',
    // Mail goes to the real SMTP sink, where the tests read it; the workers run often.
    // Plain SMTP on loopback: lettre reads `smtp://` without `tls=` as no TLS (and refuses
    // `tls=none`, so nothing would be delivered).
    SPORTELLO_SMTP_URL: `smtp://${smtp}`,
    SPORTELLO_MAIL_FROM: 'sportello@comune.esempio.it',
    SPORTELLO_WORKER_INTERVAL_MS: '200',
    SPORTELLO_RETRY_BASE_SECONDS: '1',
    // pagoPA: Checkout returns to this portal; GPD jobs and receipts every second.
    SPORTELLO_PUBLIC_URL: url,
    SPORTELLO_PAGOPA_POLL_SECONDS: '1',
  };
  let demo;
  try {
    demo = parseSeed(
      execFileSync(bin, ['seed-demo'], {
        env: {
          ...env,
          SPORTELLO_DEMO_PAGOPA_URL: pagopa.url,
          SPORTELLO_DEMO_PAGOPA_KEY: pagopa.key,
          SPORTELLO_DEMO_OIDC_URL: oidc.url,
          SPORTELLO_DEMO_OIDC_KEY_FILE: oidcKey,
        },
        encoding: 'utf8',
      }),
    );
  } catch (e) {
    await pagopa.stop();
    await oidc.stop();
    throw e;
  }
  demo.pagopa = pagopa.url;
  demo.oidc = oidc.url;
  if (platformAdmin) {
    execFileSync(bin, ['create-admin', '--platform', '--email', platformAdmin.email], {
      env: { ...env, SPORTELLO_ADMIN_PASSWORD: platformAdmin.password },
      stdio: 'ignore',
    });
  }

  mkdirSync(ARTIFACTS, { recursive: true });
  const logPath = join(ARTIFACTS, `server-${port}.log`);
  const log = createWriteStream(logPath);
  const child = spawn(bin, ['serve', '--bind', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    }
    await pagopa.stop();
    await oidc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, logPath);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, demo, stop, logPath };
}
