// The dashboard in headless Chromium (issue 15 item 8): a supervisor's figures
// change with the chosen range ("Bulan lalu"); a central operator generates the
// daily report and downloads its CSV, after being told why the list was empty.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import type { Ticket } from '../../src/tickets/model.js';
import { launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp, logInInbox } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let browser: Browser;
const HOUR = 3_600_000;

function ticket(n: number, createdAt: Date, fields: Partial<Ticket>): Ticket & { _id: string } {
  const number = `ADU-2611-${String(n).padStart(5, '0')}`;
  return { _id: number, number, status: 'open', channel: 'webchat', reporter: { channelUserId: `u${String(n)}`, name: 'Warga' }, category: 'jalan_rusak', agency: 'DPUPR', description: 'uji', attachments: [], due: { firstResponse: new Date(createdAt.getTime() + 24 * HOUR) }, reopenCount: 0, history: [], version: 0, createdAt, updatedAt: createdAt, ...fields };
}

beforeAll(async () => {
  app = await startInboxApp(db);
  await addOperators(await OperatorSession.login(app.url, ADMIN.username, ADMIN.password));
  const now = Date.now();
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(now)).split('-').map(Number) as [number, number, number];
  const lastMonth = new Date(Date.UTC(today[0], today[1] - 1, 1) - 7 * HOUR - 10 * 24 * HOUR); // ten days before the 1st, WIB: never within the last 7 days
  const at = (base: Date | number, hours: number) => new Date((typeof base === 'number' ? base : base.getTime()) + hours * HOUR);
  await ticketModel(db.connection).insertMany([
    ticket(1, lastMonth, { status: 'closed', firstRespondedAt: at(lastMonth, 2), resolvedAt: at(lastMonth, 30), closedAt: at(lastMonth, 40), updatedAt: at(lastMonth, 40) }),
    ticket(2, at(lastMonth, 1), { status: 'resolved', agency: 'DLH', category: 'sampah', channel: 'whatsapp', firstRespondedAt: at(lastMonth, 3), resolvedAt: at(lastMonth, 70), updatedAt: at(lastMonth, 70) }),
    ticket(3, at(lastMonth, 2), { status: 'in_progress', channel: 'telegram', slaBreaches: [{ kind: 'firstResponse', at: at(lastMonth, 26), key: 'k3' }], firstRespondedAt: at(lastMonth, 30) }),
    ticket(4, new Date(now - 60_000), { channel: 'phone' }), // today in WIB, even just after midnight
    ticket(5, new Date(now - 50_000), { agency: 'DLH', category: 'sampah', status: 'in_progress', firstRespondedAt: new Date(now - 10_000) }),
  ]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
});

async function logIn(page: Page, username: string, password: string): Promise<void> {
  page.setDefaultTimeout(15_000);
  await logInInbox(page, app.url, username, password);
  await page.locator('table.tickets, p.empty').first().waitFor();
}

const created = (page: Page) => page.locator('.counts .count').first().locator('b').textContent();

describe('the dashboard in the browser', () => {
  it('changes its figures with the range: last month', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await logIn(page, 'kabid', 'password-kabid-1');
    await page.goto(`${app.url}/inbox/#/dashboard`);
    await page.locator('.range-label').waitFor();
    const before = await created(page);
    await page.getByRole('button', { name: 'Bulan lalu' }).click();
    await expect.poll(() => created(page)).toBe('3');
    expect(before).not.toBe('3');
    await expect.poll(() => page.locator('.range-label').textContent()).toContain('Asia/Jakarta');
    await page.locator('table.breach-list a', { hasText: 'ADU-2611-00003' }).waitFor();
    await page.getByText('Median: 1 hari').waitFor();
    // Nobody rated anything here: one line says so, not a table of dashes.
    await page.locator('section.satisfaction').getByText('Belum ada penilaian dalam rentang ini.').waitFor();
    expect(await page.locator('.satisfaction-table').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('inbox-dashboard-range'), fullPage: true });
    await page.getByRole('button', { name: '7 hari' }).click();
    await expect.poll(() => created(page)).toBe('2');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Bulan lalu' }).click();
    await expect.poll(() => created(page)).toBe('3');
    const overflow = await page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth');
    expect(overflow).toBe(false);
    await page.screenshot({ path: screenshotPath('inbox-dashboard-phone'), fullPage: true });
    await context.close();
  });

  it('lets a central operator generate the daily report and download its CSV', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    const page = await context.newPage();
    await logIn(page, ADMIN.username, ADMIN.password);
    await page.goto(`${app.url}/inbox/#/dashboard`);
    await page.getByText('Belum ada laporan tersimpan').waitFor();
    await page.getByRole('button', { name: 'Laporan harian (kemarin)' }).dblclick();
    await page.getByText('Laporan dibuat dan disimpan').waitFor();
    expect(await page.locator('table.reports tr').count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Unduh CSV/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^daily-\d{4}-\d{2}-\d{2}\.csv$/);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(path, 'utf8')).startsWith('number,created_at')).toBe(true);
    await page.screenshot({ path: screenshotPath('inbox-dashboard-reports'), fullPage: true });
    await context.close();
  });
});
