#!/usr/bin/env node
// First-load measurements of the citizen portal in headless Chromium against the real
// server (demo seed), for BENCHMARKS.md:
//  - the gzip -9 size of what the first load needs (wasm + js + css + html of dist/);
//  - time to the first rendered page (the <h1> in the DOM), to the services list (the
//    request types fetched from the API and rendered) and the bytes on the wire, for a
//    cold load (new browser context, empty cache) and a warm reload; median of N runs.
//
//   node e2e/bench.mjs [runs]        (default 7; uses SPORTELLO_URL if set)
//   SPORTELLO_BIN=target/release/sportello node e2e/bench.mjs     (the release server)
//   BENCH_NETWORK=slow4g node e2e/bench.mjs 3    (network throttled as Lighthouse's slow 4G:
//   562.5 ms round trip, 1.44 Mbit/s down, 675 kbit/s up)
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, ROOT } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

const RUNS = Number(process.argv[2] || 7);
const dist = process.env.SPORTELLO_WEB_DIR || join(ROOT, 'dist');

// What index.html loads for the portal (boot.js then picks the portal's module).
const FIRST_LOAD = ['index.html', 'boot.js', 'sportello.js', 'sportello_bg.wasm', 'bootstrap-italia/css/bootstrap-italia.min.css', 'app.css'];
let gz = 0;
const sizes = FIRST_LOAD.map((f) => {
  const raw = readFileSync(join(dist, f));
  // GNU gzip, as scripts/build-web.sh reports it (zlib's level 9 differs by a few bytes).
  const z = execFileSync('gzip', ['-9c', join(dist, f)], { maxBuffer: 64 << 20 }).length;
  gz += z;
  return { file: f, raw: raw.length, gz: z };
});

// Records, in the page's own clock, when the title and the service cards first appear.
const PROBE = `
  new MutationObserver((_, obs) => {
    if (!window.__title && document.getElementById('page-title')) window.__title = performance.now();
    if (!window.__services && document.querySelectorAll('[data-element=service-link]').length > 3) {
      window.__services = performance.now();
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function measure(page, url, reload) {
  if (reload) await page.reload();
  else await page.goto(url);
  await page.waitForFunction(() => window.__services, null, { timeout: 120000 });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const wire = performance.getEntriesByType('resource').reduce((n, r) => n + r.transferSize, nav.transferSize);
    return { title: window.__title, services: window.__services, dcl: nav.domContentLoadedEventEnd, wire };
  });
}

const server = await startServer();
const browser = await launch();
const cold = [];
const warm = [];
try {
  for (let i = 0; i < RUNS; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(PROBE);
    const page = await context.newPage();
    if (process.env.BENCH_NETWORK === 'slow4g') {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 562.5,
        downloadThroughput: (1.6 * 1024 * 1024 / 8) * 0.9,
        uploadThroughput: (750 * 1024 / 8) * 0.9,
      });
    }
    cold.push(await measure(page, `${server.url}/`, false));
    warm.push(await measure(page, `${server.url}/`, true));
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}

const row = (label, xs) =>
  `| ${label} | ${median(xs.map((x) => x.title)).toFixed(0)} ms | ${median(xs.map((x) => x.services)).toFixed(0)} ms | ${(median(xs.map((x) => x.wire)) / 1024).toFixed(0)} KB |`;
console.log('| file | bytes | gzip -9 |\n|---|---:|---:|');
for (const s of sizes) console.log(`| \`${s.file}\` | ${s.raw.toLocaleString('en')} | ${s.gz.toLocaleString('en')} |`);
console.log(`| **first load** | | **${gz.toLocaleString('en')} B = ${(gz / 1024).toFixed(1)} KiB** (budget 400 KiB) |`);
console.log(`\nheadless Chromium${process.env.BENCH_NETWORK ? ` (network: ${process.env.BENCH_NETWORK})` : ''}, ${RUNS} runs, median:\n`);
console.log('| load | first rendered page (`<h1>`) | services listed (API data) | on the wire |\n|---|---:|---:|---:|');
console.log(row('cold (empty cache)', cold));
console.log(row('warm (reload)', warm));
