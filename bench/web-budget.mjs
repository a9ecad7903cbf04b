// The web UI's budgets, measured against a running server (bench/amity-bench.sh web):
//   - what the first screen downloads before it runs: the JS and CSS index.html names (module
//     scripts, module preloads, style sheets), each gzip -9'd as a server or proxy would send it;
//   - the time from navigation to a usable screen in Debian's Chromium, headless, on loopback:
//     the dashboard (`/`) and the organisations list, each marked by the screen itself with
//     data-ready when its data is drawn. "cold" is a new browser profile (nothing cached),
//     "warm" a second visit in the same one (hashed assets cached for a year).
// Usage: node bench/web-budget.mjs BASE_URL USER PASSWORD [RUNS=10]
// Prints "<figure> <value>" lines.
import path from 'node:path';
import zlib from 'node:zlib';

const [base, user, password, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const here = path.dirname(new URL(import.meta.url).pathname);
const { chromium } = await import(path.join(here, '..', 'web', 'node_modules', 'playwright-core', 'index.mjs'));

// ---- the initial payload -------------------------------------------------------------------------
const html = await (await fetch(base + '/')).text();
const urls = { js: [], css: [] };
for (const m of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) urls.js.push(m[1]);
for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) urls.js.push(m[1]);
for (const m of html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)) urls.css.push(m[1]);
for (const kind of ['js', 'css']) {
  let raw = 0;
  let gz = 0;
  for (const u of urls[kind]) {
    const body = Buffer.from(await (await fetch(base + u)).arrayBuffer());
    raw += body.length;
    gz += zlib.gzipSync(body, { level: 9 }).length;
  }
  console.log(`initial_${kind}_files ${urls[kind].length}`);
  console.log(`initial_${kind}_raw_KB ${(raw / 1024).toFixed(1)}`);
  console.log(`initial_${kind}_gzip_KB ${(gz / 1024).toFixed(1)}`);
}

// ---- time to a usable screen ------------------------------------------------------------------
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});

// Records performance.now() when the screen first marks itself ready, and when the dashboard's
// later parts (recent changes, the lazily loaded map) are drawn.
function watchReady() {
  const seen = {};
  window.__ready = seen;
  const parts = { recent: '#dash-recent table[aria-busy="false"]', map: 'svg.world-map path.country' };
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('[data-ready]')) {
      const name = el.getAttribute('data-ready');
      if (!(name in seen)) seen[name] = performance.now();
    }
    for (const [name, selector] of Object.entries(parts)) {
      if (!(name in seen) && document.querySelector(selector)) seen[name] = performance.now();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

async function newSignedInContext() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-GB' });
  await context.addInitScript(watchReady);
  await context.addInitScript(() => localStorage.setItem('amity.lang', 'en'));
  const r = await context.request.post(base + '/api/v1/auth/login', { data: { name: user, password } });
  if (!r.ok()) throw new Error(`login: ${r.status()} ${await r.text()}`);
  return context;
}

/** Milliseconds from navigation to each of `names` appearing: {name: ms}. */
async function timeTo(page, url, names) {
  await page.goto(base + url);
  await page.waitForFunction((ns) => window.__ready && ns.every((n) => n in window.__ready), names, { timeout: 30000 });
  return page.evaluate(() => ({ ...window.__ready }));
}

// The figure is the first name; the others are reported beside it.
const screens = [
  { url: '/', names: ['dashboard', 'recent', 'map'] },
  { url: '/organisations', names: ['list'] },
];
const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${s[Math.floor((s.length - 1) / 2)].toFixed(0)} max ${s[s.length - 1].toFixed(0)} (ms, ${s.length} runs: ${xs.map((x) => x.toFixed(0)).join(' ')})`;
};
for (const screen of screens) {
  const times = { cold: {}, warm: {} };
  for (const n of screen.names) {
    times.cold[n] = [];
    times.warm[n] = [];
  }
  for (let i = 0; i < runs; i++) {
    const context = await newSignedInContext();
    const page = await context.newPage();
    for (const state of ['cold', 'warm']) {
      const seen = await timeTo(page, screen.url, screen.names);
      for (const n of screen.names) times[state][n].push(seen[n]);
    }
    await context.close();
  }
  for (const state of ['cold', 'warm']) {
    for (const n of screen.names) console.log(`first_screen_${n}_${state} ${stat(times[state][n])}`);
  }
}
await browser.close();
