// The web UI in Debian's Chromium against the real server: sign-in, language, and the flows a
// desk officer goes through. Run by ctest (e2e_browser); `node --test tests/e2e/` by hand with
// AMITY_BINARY=build/src/amity.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openSession, axeViolations, users } from './harness.mjs';

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
  const { context, page, errors } = await openSession(browser, server.url, { user: null });
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
  const { context, page, errors } = await openSession(browser, server.url);
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

// One organisation goes through the flows below: made, edited, changed by two people at once,
// found by search.
const org = { name: 'Partido Socialista Obrero Español (E2E)', id: null };

test('an organisation is created from the form and shown with its values', async () => {
  const { context, page, errors } = await openSession(browser, server.url);
  await page.goto(server.url + '/organisations');
  await page.locator('[data-ready="list"]').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.locator('a#list-new').click();
  await page.locator('form#record-form').waitFor();
  assert.equal(new URL(page.url()).pathname, '/organisations/new');
  assert.deepEqual(await axeViolations(page), []);
  // The server's checks show at their fields, and what was typed stays.
  await page.locator('#f-name').fill(org.name);
  await page.locator('#form-save').click();
  await page.locator('#f-kind[aria-invalid="true"]').waitFor();
  assert.match(await page.locator('#f-kind-error').textContent(), /required/);
  assert.equal(await page.locator('#f-name').inputValue(), org.name);
  await page.locator('#f-kind').selectOption('political_party');
  await page.locator('#f-country').selectOption('ES');
  await page.locator('#f-founded_on').fill('1879-05-02');
  await page.locator('#form-save').click();
  await page.waitForURL(/\/organisations\/\d+$/);
  org.id = Number(new URL(page.url()).pathname.split('/').pop());
  assert.equal(await page.locator('h1#record-title').textContent(), org.name);
  assert.equal((await page.locator('dd[data-field="country"]').textContent()).trim(), 'Spain');
  assert.equal((await page.locator('dd[data-field="kind"]').textContent()).trim(), 'Political party');
  assert.equal((await page.locator('dd[data-field="founded_on"]').textContent()).trim(), '2 May 1879');
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an edit sends only what changed, and the history shows it as a diff', async () => {
  const { context, page, errors } = await openSession(browser, server.url);
  await page.goto(`${server.url}/organisations/${org.id}`);
  await page.locator('#record-edit').click();
  await page.locator('#f-acronym').fill('PSOE');
  await page.locator('#form-save').click();
  await page.waitForURL(new RegExp(`/organisations/${org.id}$`));
  assert.equal((await page.locator('dd[data-field="acronym"]').textContent()).trim(), 'PSOE');
  const history = page.locator('section', { has: page.locator('#history-title') });
  await history.getByText('PSOE').first().waitFor();
  // The PATCH carried the acronym alone: the change in the history has nothing else.
  const h = await (await page.request.get(`${server.url}/api/v1/organisations/${org.id}/history`)).json();
  assert.deepEqual(h.items.map((e) => [e.version, e.actor, Object.keys(e.changes).sort()]).slice(0, 1), [[2, 'mai', ['acronym']]]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a change saved meanwhile by a second session is shown, and mine is reapplied on top', async () => {
  const errors = [];
  const { context: mine, page: a } = await openSession(browser, server.url, { errors });
  const { context: theirs, page: b } = await openSession(browser, server.url, { user: users.lan, errors });
  await a.goto(`${server.url}/organisations/${org.id}/edit`);
  await a.locator('#f-city').waitFor();
  // Lan changes the city and saves first.
  await b.goto(`${server.url}/organisations/${org.id}/edit`);
  await b.locator('#f-city').fill('Madrid');
  await b.locator('#form-save').click();
  await b.waitForURL(new RegExp(`/organisations/${org.id}$`));
  // Mai, on the version she opened, changes the website: the server answers 412.
  await a.locator('#f-website').fill('https://www.psoe.es/');
  await a.locator('#form-save').click();
  const dialog = a.locator('[role=dialog]#conflict');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Madrid/);
  assert.match(await dialog.textContent(), /psoe\.es/);
  assert.deepEqual(await axeViolations(a), []);
  await a.locator('#conflict-reapply').click();
  await a.waitForURL(new RegExp(`/organisations/${org.id}$`));
  assert.equal((await a.locator('dd[data-field="city"]').textContent()).trim(), 'Madrid');
  assert.equal((await a.locator('dd[data-field="website"]').textContent()).trim(), 'https://www.psoe.es/');
  // Lan's change, then Mai's reapplied on top of it: neither overwrote the other.
  const h = await (await a.request.get(`${server.url}/api/v1/organisations/${org.id}/history`)).json();
  assert.deepEqual(h.items.map((e) => [e.version, e.actor, Object.keys(e.changes).sort()]).slice(0, 2),
    [[4, 'mai', ['website']], [3, 'lan', ['city']]]);
  assert.deepEqual(errors, []);
  await mine.close();
  await theirs.close();
});

test('Ctrl-K finds the organisation without its accents and opens it by keyboard', async () => {
  const { context, page, errors } = await openSession(browser, server.url);
  await page.locator('[data-ready="dashboard"]').waitFor();
  await page.keyboard.press('Control+K');
  const input = page.locator('#search-input');
  await input.waitFor();
  await input.pressSequentially('obrero espanol', { delay: 20 });
  const first = page.locator('#search-results [role=option]').first();
  await first.waitFor();
  assert.match(await first.locator('.title').textContent(), /Partido Socialista Obrero Español/);
  assert.deepEqual(await first.locator('mark').allTextContents(), ['Obrero', 'Español']);
  assert.deepEqual(await axeViolations(page), []);
  await input.press('ArrowDown');
  await input.press('ArrowUp');
  assert.equal(await input.getAttribute('aria-activedescendant'), 'search-option-0');
  await input.press('Enter');
  await page.waitForURL(new RegExp(`/organisations/${org.id}$`));
  assert.equal(await page.locator('[role=dialog]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a delegation with two stops is added in Vietnamese and its itinerary names the countries', async () => {
  const { context, page, errors } = await openSession(browser, server.url, { lang: 'vi' });
  await page.goto(server.url + '/delegations/new');
  await page.locator('form#record-form').waitFor();
  await page.locator('#f-title').fill('Đoàn Hội hữu nghị thăm Đức và Pháp');
  await page.locator('#f-direction').selectOption('outgoing');
  await page.getByRole('button', { name: 'Thêm Điểm đến' }).click();
  await page.locator('#f-stops-0-country').selectOption('DE');
  await page.locator('#f-stops-0-city').fill('Berlin');
  await page.locator('#f-stops-0-from').fill('2027-03-01');
  await page.locator('#f-stops-0-to').fill('2027-03-04');
  await page.getByRole('button', { name: 'Thêm Điểm đến' }).click();
  await page.locator('#f-stops-1-country').selectOption('FR');
  await page.locator('#f-stops-1-from').fill('2027-03-04');
  await page.locator('#f-stops-1-to').fill('2027-03-07');
  assert.deepEqual(await axeViolations(page), []);
  await page.locator('#form-save').click();
  await page.waitForURL(/\/delegations\/\d+$/);
  assert.equal(await page.locator('h1#record-title').textContent(), 'Đoàn Hội hữu nghị thăm Đức và Pháp');
  // The itinerary in date order, countries by their Vietnamese names, marked on the small map.
  const stops = page.locator('ol.stop-list li');
  await stops.nth(1).waitFor();
  assert.equal(await stops.count(), 2);
  assert.match(await stops.nth(0).textContent(), /Đức/);
  assert.match(await stops.nth(0).textContent(), /Berlin/);
  assert.match(await stops.nth(1).textContent(), /Pháp/);
  await page.locator('svg.world-map path.marked').first().waitFor();
  assert.deepEqual(await axeViolations(page), []);
  // The status moves along its workflow only: from proposed, approve it.
  assert.equal(await page.locator('ol.stepper li[aria-current="step"]').getAttribute('data-state'), 'proposed');
  assert.equal(await page.locator('button[data-transition="completed"]').count(), 0);
  await page.locator('button[data-transition="approved"]').click();
  await page.locator('ol.stepper li[data-state="approved"][aria-current="step"]').waitFor();
  // A third stop from the panel; a stop ending before it starts is refused at its field first.
  await page.locator('#add-stop-country').selectOption('PL');
  await page.locator('#add-stop-from').fill('2027-03-09');
  await page.locator('#add-stop-to').fill('2027-03-08');
  await page.locator('#add-stop-submit').click();
  await page.locator('#add-stop-to[aria-invalid="true"]').waitFor();
  assert.equal(await stops.count(), 2);
  await page.locator('#add-stop-to').fill('2027-03-10');
  await page.locator('#add-stop-submit').click();
  await page.locator('form.add-stop [role=status]').filter({ hasText: 'Đã thêm điểm đến.' }).waitFor();
  await stops.nth(2).waitFor();
  assert.match(await stops.nth(2).textContent(), /Ba Lan/);
  const id = new URL(page.url()).pathname.split('/').pop();
  const d = await (await page.request.get(`${server.url}/api/v1/delegations/${id}`)).json();
  assert.deepEqual([d.status, d.countries, d.countries_visited], ['approved', ['DE', 'FR', 'PL'], 3]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('deleting moves the organisation to the trash, and the trash restores it', async () => {
  const { context, page, errors } = await openSession(browser, server.url);
  // A filtered list in the URL: the organisations of Spain.
  await page.goto(server.url + '/organisations?country=ES');
  await page.locator('[data-ready="list"]').waitFor();
  await page.locator('tbody th.title a', { hasText: org.name }).click();
  await page.waitForURL(new RegExp(`/organisations/${org.id}$`));
  await page.locator('#record-delete').click();
  await page.locator('[role=dialog]#confirm-delete').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.locator('#confirm-delete-yes').click();
  await page.locator('.trash-notice').waitFor();
  await page.goto(server.url + '/organisations/trash');
  await page.locator('[data-ready="list"]').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole('button', { name: `Restore ${org.name}` }).click();
  await page.locator('#list-status').filter({ hasText: /restored/i }).waitFor();
  const r = await (await page.request.get(`${server.url}/api/v1/organisations/${org.id}`)).json();
  assert.equal(r.deleted_at, null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the dashboard and an aid project\'s totals in a chosen currency pass axe', async () => {
  const { context, page, errors } = await openSession(browser, server.url, { lang: 'vi' });
  await page.locator('[data-ready="dashboard"]').waitFor();
  await page.locator('svg.world-map path.country').first().waitFor();
  await page.locator('#dash-recent table[aria-busy="false"]').waitFor();
  assert.equal(await page.locator('#dash-counts a[data-type="organisations"]').count(), 1);
  assert.deepEqual(await axeViolations(page), []);
  await page.goto(server.url + '/aid-projects/1');
  await page.locator('[data-ready="record"]').waitFor();
  await page.locator('#totals-currency').selectOption('USD');
  await page.locator('table.sums tr[data-type="disbursement"]').waitFor();
  assert.match(await page.locator('table.sums tr[data-type="disbursement"]').textContent(), /US\$/);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('keyboard alone: sign in, skip to the content, open a record from the list and save an edit', async () => {
  const { context, page, errors } = await openSession(browser, server.url, { user: null });
  await page.goto(server.url + '/');
  await page.locator('#login-name').focus();
  await page.keyboard.type(users.lan.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(users.lan.password);
  await page.keyboard.press('Enter');
  await page.locator('[data-ready="dashboard"]').waitFor();
  // The first Tab reaches the skip link, which moves focus past the header and the navigation.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to main content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  await page.goto(server.url + '/organisations?sort=name');
  await page.locator('[data-ready="list"]').waitFor();
  // Tab to the first row's link and open it.
  const first = page.locator('tbody th.title a').first();
  const name = await first.textContent();
  for (let i = 0; i < 40 && !(await first.evaluate((a) => a === document.activeElement)); i++) await page.keyboard.press('Tab');
  assert.equal(await first.evaluate((a) => a === document.activeElement), true);
  await page.keyboard.press('Enter');
  await page.locator('h1#record-title', { hasText: name }).waitFor();
  const path = new URL(page.url()).pathname;
  await page.locator('#record-edit').focus();
  await page.keyboard.press('Enter');
  await page.locator('#f-city').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Hải Phòng');
  await page.keyboard.press('Control+S');
  await page.waitForURL(new RegExp(`${path}$`));
  assert.equal((await page.locator('dd[data-field="city"]').textContent()).trim(), 'Hải Phòng');
  assert.deepEqual(errors, []);
  await context.close();
});
