// Citizen satisfaction on the dashboard in headless Chromium: a supervisor
// reads each agency's average (one decimal, Indonesian "4,3"), how many rated
// and the spread; "–" where nobody rated; it fits a 390 px phone.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import type { Satisfaction, Ticket } from '../../src/tickets/model.js';
import { axeViolations, launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, logInInbox, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let browser: Browser;
const HOUR = 3_600_000;

function rated(n: number, agency: string, score: Satisfaction['score'], hoursAgo: number): Ticket & { _id: string } {
  const number = `ADU-2612-${String(n).padStart(5, '0')}`;
  const at = new Date(Date.now() - hoursAgo * HOUR);
  const createdAt = new Date(at.getTime() - 48 * HOUR);
  const result = { text: 'Lubang sudah ditambal.', attachments: [], at: createdAt, by: `agency:${agency}/budi` as const };
  return { _id: number, number, status: 'closed', closeReason: 'confirmed', channel: 'whatsapp', reporter: { channelUserId: `u${String(n)}`, name: 'Warga' }, category: 'jalan_rusak', agency, description: 'uji', attachments: [], result, due: {}, reopenCount: 0, history: [], version: 3, createdAt, updatedAt: at, closedAt: at, satisfaction: { score, at, by: 'reporter' } };
}

beforeAll(async () => {
  app = await startInboxApp(db);
  await addOperators(await OperatorSession.login(app.url, ADMIN.username, ADMIN.password));
  await ticketModel(db.connection).insertMany([rated(1, 'DPUPR', 5, 2), rated(2, 'DPUPR', 4, 3), rated(3, 'DPUPR', 4, 4), rated(4, 'DLH', 2, 5), rated(5, 'PDAM', 5, 6), rated(6, 'PDAM', 3, 7)]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
});

const row = (page: Page, agency: string) => page.locator('.satisfaction-table tbody tr', { has: page.getByRole('rowheader', { name: agency, exact: true }) });

describe('citizen satisfaction on the dashboard', () => {
  it('shows the average, count and spread per agency, "–" without ratings, on a desktop and a 390 px phone', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 900 } }); // bypassCSP: axe-core is injected
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await logInInbox(page, app.url, 'kabid', 'password-kabid-1');
    await page.locator('table.tickets, p.empty').first().waitFor();
    await page.goto(`${app.url}/inbox/#/dashboard`);
    const card = page.locator('section.satisfaction');
    await card.getByRole('heading', { name: 'Kepuasan warga' }).waitFor();
    // (5+4+4+2+5+3)/6 = 3.83…
    await expect.poll(() => card.locator('.overall').textContent()).toBe('3,8 dari 5 · 6 penilaian');
    expect(await row(page, 'Dinas Pekerjaan Umum dan Penataan Ruang').locator('td').allTextContents()).toEqual(['4,3', '3', '21']); // the spread: two 4s, one 5
    expect(await row(page, 'Dinas Lingkungan Hidup').locator('td').allTextContents()).toEqual(['2,0', '1', '1']);
    expect(await row(page, 'Dinas Perhubungan').locator('td').allTextContents()).toEqual(['–', '0', '–']);
    expect(await row(page, 'Dinas Pekerjaan Umum dan Penataan Ruang').getByRole('img').getAttribute('aria-label')).toBe('Jumlah penilaian per nilai: 1: 0, 2: 0, 3: 0, 4: 2, 5: 1');
    // The best average first; the agencies nobody rated after them, by name.
    expect((await page.locator('.satisfaction-table tbody th').allTextContents()).slice(0, 5)).toEqual(['Dinas Pekerjaan Umum dan Penataan Ruang', 'Perumda Air Minum Tirta Contoh', 'Dinas Lingkungan Hidup', 'Dinas Kependudukan dan Pencatatan Sipil', 'Dinas Kesehatan']);
    expect(await page.locator('.satisfaction-table tbody tr').count()).toBe(9);
    const problems = (await axeViolations(page)).filter((v) => v.targets.some((t) => t.includes('satisfaction') || t.includes('spread')));
    expect(problems).toEqual([]);
    await card.screenshot({ path: screenshotPath('inbox-dashboard-satisfaction') });

    await page.setViewportSize({ width: 390, height: 844 });
    await card.scrollIntoViewIfNeeded();
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth')).toBe(false);
    const box = await card.locator('table').boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 999)).toBeLessThanOrEqual(390);
    // Two lines an agency: its name, then the figures named ("Rata-rata 4,3", "Penilaian 3") beside the bar.
    const dpupr = row(page, 'Dinas Pekerjaan Umum dan Penataan Ruang');
    const name = await dpupr.getByRole('rowheader').boundingBox();
    const bar = await dpupr.getByRole('img').boundingBox();
    expect((bar?.y ?? 0)).toBeGreaterThanOrEqual((name?.y ?? 0) + (name?.height ?? 0));
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('.satisfaction-table tbody td'), '::before').content")).toBe('"Rata-rata "');
    await card.screenshot({ path: screenshotPath('inbox-dashboard-satisfaction-phone') });
    await context.close();
  });

  it('shows the rating on the ticket, under the agency\'s result', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await logInInbox(page, app.url, ADMIN.username, ADMIN.password);
    await page.locator('table.tickets, p.empty').first().waitFor();
    await page.goto(`${app.url}/inbox/#/t/ADU-2612-00004`);
    const rating = page.locator('.ticket .rating');
    await expect.poll(() => rating.textContent()).toMatch(/^Penilaian pelapor: 2 dari 5 \(kurang puas\) · /);
    await page.goto(`${app.url}/inbox/#/t/ADU-2612-00001`);
    await expect.poll(() => rating.textContent()).toMatch(/^Penilaian pelapor: 5 dari 5 \(sangat puas\) · /);
    await page.locator('section.card', { has: page.locator('p.rating') }).screenshot({ path: screenshotPath('inbox-ticket-rating') });
    await context.close();
  });
});
