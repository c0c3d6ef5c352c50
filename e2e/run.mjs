#!/usr/bin/env node
// Runs the browser tests against the real server: starts `sportello serve` once on a
// throwaway SQLite database with the demo seed, runs every e2e/*.test.mjs (one file at a
// time, with node's test runner) and always stops the server afterwards.
//
//   node e2e/run.mjs              every test file
//   node e2e/run.mjs journeys     only the files whose name contains "journeys"
//
// Environment: SPORTELLO_BIN (server binary; default target/debug/sportello, or under
// CARGO_TARGET_DIR), SPORTELLO_WEB_DIR (built app; default dist/), CHROMIUM (browser;
// default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { readdirSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './lib/server.mjs';
import { ROOT, ARTIFACTS } from './lib/browser.mjs';

const HERE = join(ROOT, 'e2e');
const filter = process.argv[2] || '';
const files = readdirSync(HERE)
  .filter((f) => f.endsWith('.test.mjs') && f.includes(filter))
  .sort()
  .map((f) => join(HERE, f));
if (files.length === 0) {
  console.error(`no e2e/*.test.mjs matches "${filter}"`);
  process.exit(2);
}

// Artifacts of this run only (screenshots, axe results, server log).
rmSync(ARTIFACTS, { recursive: true, force: true });
mkdirSync(ARTIFACTS, { recursive: true });

delete process.env.SPORTELLO_URL;
const server = await startServer();
console.log(`sportello on ${server.url} (log: ${server.logPath})`);

let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(code);
};
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stop(130));

const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
  env: { ...process.env, SPORTELLO_URL: server.url, SPORTELLO_DEMO: JSON.stringify(server.demo) },
});
child.on('exit', (code, signal) => stop(code ?? (signal ? 1 : 0)));
