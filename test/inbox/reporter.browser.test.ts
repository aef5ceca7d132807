// The reporter panel in headless Chromium: a central operator opens a WhatsApp
// ticket, sees the reporter's phone complaint and a Telegram identity with the same
// phone suggested, merges it after a confirmation and sees its ticket appear.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, OperatorSession, startInboxApp, logInInbox } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let browser: Browser;
let wa = '';
let tg = '';
let byPhone = '';

beforeAll(async () => {
  app = await startInboxApp(db);
  const admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  const phone = '+6281234500001';
  const reporter = { name: 'Bu Ani Wulandari', phone };
  byPhone = (await admin.post<{ number: string }>('/api/tickets', { channel: 'phone', reporter, category: 'drainase_banjir', description: 'Got mampet di depan rumah' })).body.number;
  tg = (await app.tickets.create({ channel: 'telegram', reporter: { ...reporter, channelUserId: '987654321' }, category: 'sampah', description: 'Sampah belum diangkut' }, 'reporter')).number;
  wa = (await app.tickets.create({ channel: 'whatsapp', reporter: { ...reporter, channelUserId: '6281234500001' }, category: 'jalan_rusak', description: 'Lubang besar di Jl. Melati' }, 'reporter')).number;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
});

async function openTicket(page: Page, number: string): Promise<void> {
  page.setDefaultTimeout(15_000);
  await logInInbox(page, app.url, ADMIN.username, ADMIN.password);
  await page.locator('table.tickets').waitFor();
  await page.goto(`${app.url}/inbox/#/t/${number}`);
  await page.locator('.reporter-panel').waitFor();
}

describe('the reporter panel in the browser', () => {
  it('shows the other tickets and channels, and merges a suggested identity after a confirmation', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await openTicket(page, wa);
    const panel = page.locator('.reporter-panel');
    await expect.poll(() => panel.locator('.other-tickets a').allTextContents()).toEqual([byPhone]);
    await expect.poll(() => panel.locator('.suggestions li').textContent()).toContain('Telegram 987654321 (telepon sama, 1 tiket)');
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('inbox-reporter') });

    await panel.getByRole('button', { name: 'Gabungkan' }).click();
    const dialog = page.locator('dialog[open]');
    await expect.poll(() => dialog.textContent()).toContain('Gabungkan Telegram 987654321 dengan pelapor ini?');
    await dialog.getByRole('button', { name: 'Gabungkan' }).click();
    await expect.poll(() => panel.locator('.other-tickets a').allTextContents()).toEqual([tg, byPhone]);
    await expect.poll(() => panel.locator('.notice').textContent()).toBe('Telegram 987654321 digabungkan.');
    expect(await panel.locator('.suggestions').count()).toBe(0);
    expect(await panel.locator('.identities').textContent()).toContain('Telegram 987654321');
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('inbox-reporter-merged') });
    await context.close();

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const small = await phone.newPage();
    await openTicket(small, wa);
    await expect.poll(() => small.locator('.reporter-panel .other-tickets a').count()).toBe(2);
    await small.locator('.reporter-panel').scrollIntoViewIfNeeded();
    await small.screenshot({ path: screenshotPath('inbox-reporter-phone') });
    expect(await small.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await phone.close();
  });
});
