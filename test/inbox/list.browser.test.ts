// The ticket list in headless Chromium as a call-centre operator uses it: the
// search narrows the list while they type, a header sorts it, and two
// selected tickets are transferred at once with a summary in words.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp, logInInbox } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let browser: Browser;
let admin: OperatorSession;
const made: string[] = [];

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  const complaints = [
    { reporter: { name: 'Rudi Hartono', phone: '081277778888' }, category: 'jalan_rusak', description: 'Aspal berlubang besar, motor sering jatuh', location: { address: 'Jl. Cendrawasih No. 4, dekat pasar' } },
    { reporter: { name: 'Wati', email: 'wati@example.id', address: 'Jl. Kenanga 2' }, category: 'sampah', description: 'Sampah menumpuk di TPS Kenanga sejak Senin' },
    { reporter: { name: 'Agus Salim' }, category: 'jalan_rusak', description: 'Jalan retak sepanjang 20 meter', location: { address: 'Jl. Merpati 7' } },
    { reporter: { name: 'Dewi Lestari', phone: '085711112222' }, category: 'sampah', description: 'Truk sampah tidak datang seminggu', location: { address: 'Jl. Melati 12' } },
    { reporter: { name: 'Budi Santoso' }, category: 'jalan_rusak', description: 'Trotoar rusak, berbahaya bagi pejalan kaki', location: { address: 'Jl. Pahlawan 30' } },
  ];
  for (const body of complaints) made.push((await admin.post<{ number: string }>('/api/tickets', { channel: 'phone', ...body })).body.number);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
});

async function logIn(page: Page): Promise<void> {
  page.setDefaultTimeout(15_000);
  await logInInbox(page, app.url, ADMIN.username, ADMIN.password);
  await page.locator('table.tickets').waitFor();
}

const listed = (page: Page) => page.locator('table.tickets tbody tr td.num a').allTextContents();

describe('the ticket list in the browser', () => {
  it('narrows as the operator types, sorts by a header, and transfers two selected tickets', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await logIn(page);
    await expect.poll(() => page.locator('.list-bar .list-count').textContent()).toBe('5 tiket');
    await page.screenshot({ path: screenshotPath('inbox-list-wide') });

    // Typed, never Enter: the list narrows once the operator pauses.
    await page.getByLabel('Cari nomor, nama, telepon').pressSequentially('cendrawasih', { delay: 40 });
    await expect.poll(() => listed(page)).toEqual([made[0]]);
    await expect.poll(() => page.locator('.list-bar .list-count').textContent()).toBe('1 tiket');
    await page.getByLabel('Cari nomor, nama, telepon').fill('');
    await expect.poll(() => listed(page)).toHaveLength(5);

    // The OPD header sorts by agency: DLH's two first.
    await page.getByRole('button', { name: 'OPD', exact: true }).click();
    await expect.poll(() => page.locator('table.tickets tbody tr td:nth-child(3)').allTextContents()).toEqual(['DLH', 'DLH', 'DPUPR', 'DPUPR', 'DPUPR']);
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('OPD');

    // Two of DPUPR's go to DISHUB in one action.
    const [first, second] = [made[2] ?? '', made[4] ?? ''];
    await page.getByLabel(`Pilih ${first}`).check();
    await page.getByLabel(`Pilih ${second}`).check();
    await expect.poll(() => page.locator('.bulk strong').textContent()).toBe('2 tiket dipilih');
    await page.getByLabel('Alihkan ke OPD…').selectOption('DISHUB');
    await page.screenshot({ path: screenshotPath('inbox-list-bulk') });
    await page.locator('.bulk').getByRole('button', { name: 'Alihkan yang dipilih' }).click();
    await page.locator('dialog.confirm').getByRole('button', { name: 'Alihkan yang dipilih' }).click();
    await expect.poll(() => page.locator('.bulk-summary').textContent()).toMatch(/^2 tiket dialihkan ke Dinas Perhubungan/);
    for (const number of [first, second]) expect((await admin.get<{ agency: string }>(`/api/tickets/${number}`)).body.agency).toBe('DISHUB');
    await expect.poll(() => page.locator('table.tickets tbody tr td:nth-child(3)').allTextContents()).toEqual(['DISHUB', 'DISHUB', 'DLH', 'DLH', 'DPUPR']);
    await page.screenshot({ path: screenshotPath('inbox-list-transferred') });

    // The CSV of what is on screen (here: DISHUB's two), and the download in the audit trail in words.
    await page.getByLabel('Semua OPD').selectOption('DISHUB');
    await expect.poll(() => listed(page)).toHaveLength(2);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Unduh CSV' }).click();
    const csv = await readFile((await (await download).path()), 'utf8');
    expect(csv.trim().split('\r\n')).toHaveLength(3);
    expect(csv).toContain(first);
    await page.getByRole('link', { name: 'Jejak audit' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('Mengunduh daftar tiket sebagai CSV (2 tiket)');
    await context.close();
  });

  it('fits a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await logIn(page);
    await page.getByLabel(`Pilih ${made[1] ?? ''}`).check();
    await page.screenshot({ path: screenshotPath('inbox-list-phone-select'), fullPage: true });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await context.close();
  });
});
