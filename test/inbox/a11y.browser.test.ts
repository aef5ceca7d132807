// Issue 15 item 10: every inbox page on a phone (390×844, touch) and a desktop (1366×768), for the
// central admin and an agency operator: no serious or critical axe-core violations, nothing wider than
// the phone, a header that collapses behind a menu button, and the ticket list as cards.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { axeViolations, launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp, logInInbox } from '../support/inbox.js';
import { WebchatCitizen } from '../support/webchat.js';

const db = useTestDatabase(import.meta.filename);
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
type Size = typeof PHONE;
let app: RunningApplication;
let browser: Browser;
let road: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  app = await startInboxApp(db);
  const admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  road = await new WebchatCitizen(app.url).report({ name: 'Agus Salim', phone: '081277778888', address: 'Jl. Braga No. 5, Bandung', category: 'Jalan rusak', description: 'Jalan berlubang dalam di depan Gedung Merdeka, sudah dua motor jatuh.', location: { latitude: -6.921151, longitude: 107.610489 } });
  await new WebchatCitizen(app.url).report({ name: 'Wati', phone: '081355556666', address: 'Jl. Kenanga 2', category: 'Sampah', description: 'Sampah menumpuk di TPS Kenanga sejak Senin' });
  await admin.post(`/api/tickets/${road}/notes`, { text: 'Warga sudah dihubungi lewat telepon' });
  // A second report of the same hole, merged into the first: the ticket view shows its follower (issue 16).
  const again = await app.tickets.create({ channel: 'webchat', reporter: { name: 'Rahmat', channelUserId: 'a11y-follower' }, category: 'jalan_rusak', description: 'Lubang di depan Gedung Merdeka' }, 'reporter');
  await admin.post(`/api/tickets/${again.number}/merge`, { into: road });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser.close().catch(() => undefined);
  await app.stop();
});

async function open(size: Size): Promise<Page> {
  const phone = size.width < 600;
  const context = await browser.newContext({ bypassCSP: true, viewport: size, screen: size, ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await logInInbox(page, app.url, username, password);
  await page.locator('table.tickets, p.empty').first().waitFor();
}

/** What a phone or a desktop operator meets on the page: axe-core's serious findings and any sideways scrolling. */
async function check(page: Page, size: Size, name: string): Promise<void> {
  await page.waitForTimeout(400); // the page's data and its charts
  await page.screenshot({ path: screenshotPath(`inbox-a11y-${name}-${String(size.width)}`), fullPage: true });
  const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${name} at ${String(size.width)}: axe-core`).toEqual([]);
  // Judged against the device width: in mobile emulation innerWidth grows with the content.
  const width = await page.evaluate<number>('document.documentElement.scrollWidth');
  expect(width, `${name} at ${String(size.width)}: page width`).toBeLessThanOrEqual(size.width);
}

async function visit(page: Page, hash: string, ready: string): Promise<void> {
  await page.goto(`${app.url}/inbox/${hash}`);
  await page.locator(ready).first().waitFor();
}

const ADMIN_PAGES: readonly (readonly [string, string, string])[] = [
  ['list', '#/', 'table.tickets'],
  ['new', '#/new', 'textarea[name=description]'],
  ['dashboard', '#/dashboard', 'svg.chart'],
  ['operators', '#/operators', 'main table'],
  ['audit', '#/audit', 'main table'],
  ['settings', '#/settings', 'main h1, main h2'],
  ['account', '#/account', 'main h1, main h2'],
];

describe('the inbox on a phone and a desktop', () => {
  for (const size of [PHONE, DESKTOP]) {
    it(`is usable and accessible for a central admin at ${String(size.width)}×${String(size.height)}`, async () => {
      const page = await open(size);
      await page.goto(`${app.url}/inbox/`);
      await page.getByRole('button', { name: 'Masuk' }).waitFor();
      await check(page, size, 'login');
      await logIn(page, ADMIN.username, ADMIN.password);
      for (const [name, hash, ready] of ADMIN_PAGES) {
        await visit(page, hash, ready);
        await check(page, size, name);
      }
      await visit(page, `#/t/${road}`, '.thread');
      await page.locator('.history li').first().waitFor();
      await page.getByLabel('Catatan / alasan').waitFor(); // the actions
      await page.locator('.followers-panel li.follower').waitFor();
      await check(page, size, 'ticket');
    }, 120_000);

    it(`is usable and accessible for an agency operator at ${String(size.width)}×${String(size.height)}`, async () => {
      const page = await open(size);
      await logIn(page, 'dpupr.budi', 'password-dpupr-1');
      await check(page, size, 'agency-list');
      await visit(page, `#/t/${road}`, '.thread');
      await page.locator('.history li').first().waitFor();
      await page.locator('.followers-panel li.follower').waitFor();
      await check(page, size, 'agency-ticket');
      await visit(page, '#/account', 'main h1, main h2');
      await check(page, size, 'agency-account');
    }, 120_000);
  }

  it('collapses the header behind a menu button on a phone, opened by keyboard', async () => {
    const page = await open(PHONE);
    await logIn(page, ADMIN.username, ADMIN.password);
    const menu = page.locator('header.top button[aria-expanded]');
    expect(await menu.count()).toBe(1);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    const nav = page.locator('header.top nav');
    expect(await nav.isVisible()).toBe(false);
    // The header is one line, not three.
    expect((await page.locator('header.top').boundingBox())?.height ?? 999).toBeLessThan(70);
    await menu.focus();
    await page.keyboard.press('Enter');
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await nav.waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshotPath('inbox-a11y-menu-open-390'), fullPage: true });
    const controls = await menu.getAttribute('aria-controls');
    expect(controls && (await page.locator(`#${controls}`).count())).toBe(1);
    await page.keyboard.press('Tab'); // into the navigation
    expect(await page.evaluate<string>('document.activeElement.closest("nav") ? "nav" : document.activeElement.outerHTML')).toBe('nav');
    await nav.getByRole('link', { name: 'Dasbor' }).press('Enter');
    await page.locator('svg.chart').waitFor();
    // Following a link closes the menu.
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.isVisible()).toBe(false);
    // On a desktop there is no menu button: the navigation is always there.
    const desk = await open(DESKTOP);
    await logIn(desk, ADMIN.username, ADMIN.password);
    expect(await desk.locator('header.top button[aria-expanded]').isVisible()).toBe(false);
    expect(await desk.locator('header.top nav').isVisible()).toBe(true);
  }, 60_000);

  it('shows the ticket list as cards on a phone, each with its number, status, agency and deadline in view', async () => {
    const page = await open(PHONE);
    await logIn(page, ADMIN.username, ADMIN.password);
    // The two open tickets (the third, merged into the first, is closed and has no deadline to show).
    const rows = page.locator('table.tickets tbody tr').filter({ hasNot: page.locator('.s-closed') });
    await expect.poll(() => page.locator('table.tickets tbody tr').count()).toBe(3);
    await expect.poll(() => rows.count()).toBe(2);
    for (const row of await rows.all()) {
      const card = await row.boundingBox();
      expect(card?.width ?? 0).toBeGreaterThan(300); // a card across the screen, not a table row
      for (const part of ['td.num a', '.status', 'td:nth-child(3)', '.deadline']) {
        const box = await row.locator(part).first().boundingBox();
        expect(box, part).not.toBeNull();
        expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 999) <= PHONE.width, `${part} within the screen`).toBe(true);
        expect((await row.locator(part).first().textContent())?.trim(), part).not.toBe('');
      }
    }
  }, 60_000);
});
