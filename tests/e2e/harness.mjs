// The real parts the browser tests drive: an Amity server on loopback (port 0) with the demo data
// and two users, and Debian's Chromium headless through playwright-core (from web/node_modules).
// Env: AMITY_BINARY (the program), CHROMIUM (default /usr/bin/chromium), E2E_DIR (scratch).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const webModules = path.join(here, '..', '..', 'web', 'node_modules');
const { chromium } = await import(path.join(webModules, 'playwright-core', 'index.mjs'));
const axeSource = fs.readFileSync(path.join(webModules, 'axe-core', 'axe.min.js'), 'utf8');

export const users = {
  mai: { name: 'mai', password: 'mai-password-e2e', role: 'admin' },
  lan: { name: 'lan', password: 'lan-password-e2e', role: 'editor' },
};

/** Starts the server on a fresh data directory with the demo data; resolves to {url, stop}. */
export async function startServer() {
  const binary = process.env.AMITY_BINARY;
  if (!binary) throw new Error('AMITY_BINARY is not set');
  const dir = fs.mkdtempSync(path.join(process.env.E2E_DIR ?? os.tmpdir(), 'amity-e2e-'));
  const data = path.join(dir, 'data');
  const run = (args, input) => {
    const r = spawnSync(binary, ['--data', data, ...args], { input, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`amity ${args.join(' ')}: ${r.stderr}`);
  };
  run(['demo']);
  for (const u of Object.values(users)) run(['user', 'add', u.name, '--role', u.role, '--password-stdin'], `${u.password}\n`);
  const child = spawn(binary, ['--data', data, 'serve', '--listen', '127.0.0.1:0', '--access-log', 'off'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${stderr}`)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    });
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    data,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** A new browser context (its own cookies: a second session) in language `lang`. */
export async function newContext(browser, lang = 'en') {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale: lang === 'vi' ? 'vi-VN' : 'en-GB',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  await context.addInitScript((l) => localStorage.getItem('amity.lang') || localStorage.setItem('amity.lang', l), lang);
  return context;
}

/** A page that records, into `errors`, every uncaught script error, console error and 5xx
 *  answer. A 4xx the UI asked for and handles (a 400 shown at its fields, the 412 of a conflict,
 *  the 401 before signing in) is the test's to check, not a fault. */
export async function newPage(context, errors) {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
      errors.push(`console: ${m.text()}`);
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 500) errors.push(`${r.status()} from ${r.request().method()} ${r.url()}`);
  });
  return page;
}

/** A new browser profile in `lang` with a page that records its faults into `errors` (see
 *  newPage), signed in as `user` unless that is null. */
export async function openSession(browser, url, { lang = 'en', user = users.mai, errors = [] } = {}) {
  const context = await newContext(browser, lang);
  const page = await newPage(context, errors);
  if (user) await signIn(page, url, user);
  return { context, page, errors };
}

export async function signIn(page, url, user) {
  await page.goto(url + '/');
  await page.locator('#login-name').fill(user.name);
  await page.locator('#login-password').fill(user.password);
  await page.locator('form button[type=submit]').click();
  await page.locator('header .who').waitFor();
}

/** axe-core's serious and critical violations on the page as it is, as readable lines. */
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol: the page's CSP (rightly) refuses injected scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.join(', ')}`);
}
