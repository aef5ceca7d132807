// The Open311 key page in headless Chromium: an admin creates a key for a city
// app (shown once), the app sends a report with it, the page shows its last
// use; revoking asks first, and the app's next report is refused. The report
// is found in the ticket list under the channel "Aplikasi (Open311)".
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { axeViolations, launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { openInbox, startInboxApp } from '../support/inbox.js';
import { Open311Client } from './client.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let browser: Browser;

beforeAll(async () => {
  app = await startInboxApp(db);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
});

function adminPage(width: number, height: number): Promise<Page> {
  return openInbox(browser, app.url, width, height);
}

describe('the Open311 key page', () => {
  it('creates a key shown once, shows its use, and revokes it after asking', async () => {
    const page = await adminPage(1366, 768);
    await page.locator('nav a', { hasText: 'Open311' }).click();
    await page.getByRole('heading', { name: 'Kunci API Open311' }).waitFor();
    await expect.poll(() => page.locator('section.open311').textContent()).toContain('Belum ada kunci.');

    await page.getByLabel('Nama aplikasi').fill('Aplikasi Warga Kota Contoh');
    await page.getByRole('button', { name: 'Buat kunci' }).dblclick();
    const secret = (await page.getByTestId('open311-secret').textContent()) ?? '';
    expect(secret).toMatch(/^o311_[\w-]{43}$/);
    expect(await page.locator('.secret').textContent()).toContain('tidak akan ditampilkan lagi');
    await expect.poll(() => page.locator('section.open311 tbody tr').count()).toBe(1); // a double click made one key
    await page.screenshot({ path: screenshotPath('inbox-open311-key-created') });

    const client = new Open311Client(app.url);
    await client.discover();
    const posted = await client.post('json', { api_key: secret, service_code: 'penerangan_jalan', lat: '-6.2', long: '106.8', description: 'Lampu jalan padam di perempatan.', email: 'warga@contoh.id' });
    expect(posted.status).toBe(200);
    const number = posted.records[0]?.service_request_id ?? '';
    // This service has no email channel: the address is kept for the operators, and nobody is written to.
    expect((await app.tickets.get(number)).reporter).toEqual({ email: 'warga@contoh.id' });

    await page.getByRole('button', { name: 'Sudah saya simpan' }).click();
    expect(await page.getByTestId('open311-secret').count()).toBe(0);
    await page.reload();
    const row = page.locator('section.open311 tbody tr', { hasText: 'Aplikasi Warga Kota Contoh' });
    await row.waitFor();
    expect(await row.textContent()).not.toContain('belum pernah');
    expect(await row.textContent()).toContain('Aktif');
    expect(await page.content()).not.toContain(secret);

    // Revoking asks first; cancelling changes nothing.
    await row.getByRole('button', { name: 'Cabut' }).click();
    const dialog = page.locator('dialog.confirm');
    expect(await dialog.textContent()).toContain('Cabut kunci "Aplikasi Warga Kota Contoh"?');
    await dialog.getByRole('button', { name: 'Batal' }).click();
    expect(await row.textContent()).toContain('Aktif');
    await row.getByRole('button', { name: 'Cabut' }).click();
    await dialog.getByRole('button', { name: 'Cabut' }).click();
    await page.getByRole('status').filter({ hasText: 'sudah dicabut' }).waitFor();
    await expect.poll(() => row.textContent()).toContain('Dicabut');
    expect(await row.getByRole('button', { name: 'Cabut' }).count()).toBe(0);
    expect((await client.post('json', { api_key: secret, service_code: 'sampah', address_string: 'Jl. Melati', description: 'Sampah menumpuk.' })).status).toBe(403);

    // The report is in the list, under its channel.
    await page.locator('nav a', { hasText: 'Tiket' }).first().click();
    await page.getByRole('combobox', { name: 'Semua kanal' }).selectOption('open311');
    await page.locator('table.tickets', { hasText: number }).waitFor();
    expect(await page.locator('table.tickets').textContent()).toContain('Aplikasi (Open311)');
    // Its history names the app as its author, not "the system".
    await page.goto(`${app.url}/inbox/#/t/${number}`);
    await page.locator('article.ticket h1').waitFor();
    await expect.poll(() => page.locator('article.ticket').textContent()).toContain('Dibuat oleh aplikasi kota (Open311), untuk');
    await page.screenshot({ path: screenshotPath('inbox-open311-ticket'), fullPage: true });
    await page.context().close();
  });

  it('fits a phone at 390 px with no serious accessibility violation', async () => {
    const page = await adminPage(390, 844);
    await page.goto(`${app.url}/inbox/#/open311`);
    await page.locator('section.open311 tbody tr').first().waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.targets.join(', ')}`)).toEqual([]);
    await page.screenshot({ path: screenshotPath('inbox-open311-keys-phone'), fullPage: true });
    await page.context().close();
  });
});
