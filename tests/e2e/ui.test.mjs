// The web UI in Debian's Chromium against the real server: sign-in, language, and the flows a
// desk officer goes through. Run by ctest (e2e_browser); `node --test tests/e2e/` by hand with
// AMITY_BINARY=build/src/amity.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newContext, newPage, signIn, axeViolations, users } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a wrong password is refused with the server\'s reason, the right one signs in', async () => {
  const errors = [];
  const context = await newContext(browser, 'en');
  const page = await newPage(context, errors);
  await page.goto(server.url + '/');
  assert.equal(await page.locator('h1').textContent(), 'Sign in');
  assert.deepEqual(await axeViolations(page), []);
  await page.locator('#login-name').fill('mai');
  await page.locator('#login-password').fill('not the password');
  await page.locator('form button[type=submit]').click();
  await page.getByRole('alert').filter({ hasText: 'wrong name or password' }).waitFor();
  await page.locator('#login-password').fill(users.mai.password);
  await page.locator('form button[type=submit]').click();
  assert.equal(await page.locator('header .who').textContent(), 'Signed in as mai');
  // A reload keeps the session (the cookie), and a deep link lands on its screen.
  await page.goto(server.url + '/organisations');
  await page.getByRole('heading', { level: 1, name: 'Organisations' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('the language switch turns every string, label and country name into Vietnamese', async () => {
  const errors = [];
  const context = await newContext(browser, 'en');
  const page = await newPage(context, errors);
  await signIn(page, server.url, users.mai);
  const nav = page.getByRole('navigation');
  await nav.getByRole('link', { name: 'Organisations' }).waitFor();
  await page.getByLabel('Language').selectOption('vi');
  await nav.getByRole('link', { name: 'Tổ chức' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
  assert.equal(await page.locator('header .who').textContent(), 'Người dùng: mai');
  assert.equal(await page.getByRole('button', { name: 'Đăng xuất' }).count(), 1);
  // The choice is kept for the next visit.
  await page.reload();
  await nav.getByRole('link', { name: 'Các đoàn' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
