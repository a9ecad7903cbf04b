// Screenshots of the main screens for docs/screenshots/ (shown in the README), taken in Debian's
// Chromium against a fresh server with the demo data. `make screenshots`; AMITY_BINARY as for the
// tests. Each screen marks itself with data-ready when its data is drawn.
import path from 'node:path';
import fs from 'node:fs';
import { startServer, launchBrowser, openSession, users } from './harness.mjs';

const out = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'docs', 'screenshots');
fs.mkdirSync(out, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  const shots = [
    { lang: 'en', file: 'login.png', url: null },
    { lang: 'en', file: 'dashboard.png', url: '/', ready: 'dashboard', wait: '.world-map' },
    { lang: 'vi', file: 'dashboard-vi.png', url: '/', ready: 'dashboard', wait: '.world-map' },
    { lang: 'en', file: 'organisations.png', url: '/organisations', ready: 'list' },
    { lang: 'en', file: 'organisation.png', url: '/organisations/1', ready: 'record' },
    { lang: 'en', file: 'organisation-edit.png', url: '/organisations/1/edit', ready: 'form' },
    { lang: 'vi', file: 'delegation-vi.png', url: '/delegations/1', ready: 'record', wait: '.world-map' },
    { lang: 'en', file: 'aid-project.png', url: '/aid-projects/3', ready: 'record' },
    { lang: 'en', file: 'search.png', url: '/', ready: 'dashboard', search: 'dang cong san' },
  ];
  for (const s of shots) {
    const { context, page } = await openSession(browser, server.url, { lang: s.lang, user: s.url === null ? null : users.mai });
    if (s.url === null) {
      await page.goto(server.url + '/');
      await page.locator('#login-name').waitFor();
    } else {
      await page.goto(server.url + s.url);
      await page.locator(`[data-ready="${s.ready}"]`).waitFor();
      if (s.wait) await page.locator(s.wait).first().waitFor();
      if (s.search) {
        await page.keyboard.press('Control+K');
        await page.locator('#search-input').pressSequentially(s.search, { delay: 20 });
        await page.locator('#search-results [role=option]').first().waitFor();
      }
      await page.waitForLoadState('networkidle');
    }
    await page.screenshot({ path: path.join(out, s.file) });
    console.log(`docs/screenshots/${s.file}`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
