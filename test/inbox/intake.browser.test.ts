// Phone intake in headless Chromium as a call-centre operator works it: the
// caller's number brings up who they are and what they reported before, one
// click fills the form, a click on the map drops the pin, a photo goes along,
// and the saved number and its printable receipt follow. At 1366×768 and on a
// phone (390×844).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { drawnPhoto, launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, OperatorSession, startInboxApp, logInInbox } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let browser: Browser;
let admin: OperatorSession;
let earlier = '';

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  earlier = (await admin.post<{ number: string }>('/api/tickets', { channel: 'phone', reporter: { name: 'Rudi Hartono', phone: '081277778888', address: 'Jl. Kenari 3, RT 02/RW 05', email: 'rudi@example.id' }, category: 'jalan_rusak', description: 'Aspal berlubang' })).body.number;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
});

async function openIntake(page: Page): Promise<void> {
  page.setDefaultTimeout(15_000);
  await logInInbox(page, app.url, ADMIN.username, ADMIN.password);
  await page.locator('table.tickets').waitFor();
  await page.goto(`${app.url}/inbox/#/new`);
  await page.locator('form.intake').waitFor();
}

async function takeCall(page: Page, name: string, photo?: Buffer): Promise<string> {
  await page.getByRole('textbox', { name: 'Telepon' }).pressSequentially('+62 812-7777-8888', { delay: 20 });
  const box = page.locator('.caller-box');
  await expect.poll(() => box.textContent()).toContain('Rudi Hartono');
  await expect(box.textContent()).resolves.toContain(earlier);
  // Nothing is filled in before the operator asks.
  expect(await page.getByLabel('Nama', { exact: true }).inputValue()).toBe('');
  await page.getByRole('button', { name: 'Pakai data ini' }).click();
  expect(await page.getByLabel('Nama', { exact: true }).inputValue()).toBe('Rudi Hartono');
  expect(await page.getByLabel('Alamat', { exact: true }).inputValue()).toBe('Jl. Kenari 3, RT 02/RW 05');
  expect(await page.getByLabel('Email').inputValue()).toBe('rudi@example.id');
  await page.getByLabel('Kategori').selectOption({ index: 1 });
  await page.getByLabel('Uraian').fill('Pohon tumbang menutup separuh jalan sejak pagi.');
  await page.getByLabel('Alamat lokasi masalah').fill('Jl. Kenari depan SD 3');
  const map = page.locator('.pin-picker');
  await map.scrollIntoViewIfNeeded();
  const bounds = await map.boundingBox();
  if (!bounds) throw new Error('no map');
  await page.mouse.click(bounds.x + bounds.width * 0.6, bounds.y + bounds.height * 0.4);
  await expect.poll(() => page.getByLabel('Lintang').inputValue()).not.toBe('');
  expect(Number(await page.getByLabel('Bujur').inputValue())).toBeGreaterThan(100);
  await page.locator('.pin-picker .leaflet-marker-icon').waitFor();
  await expect.poll(() => page.locator('.pin-picker img.leaflet-marker-icon').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  if (photo) await page.locator('input[type=file][name=photo]').setInputFiles({ name: 'pohon.jpg', mimeType: 'image/jpeg', buffer: photo });
  await page.getByLabel('Nama', { exact: true }).fill(name);
  await page.screenshot({ path: screenshotPath(`inbox-intake-form-${String(page.viewportSize()?.width)}`), fullPage: true });
  await page.getByRole('button', { name: 'Simpan pengaduan' }).click();
  const number = page.getByTestId('ticket-number');
  await number.waitFor();
  return (await number.textContent()) ?? '';
}

describe('phone intake in the browser', () => {
  it('looks the caller up, fills on a click, drops a pin, saves with a photo, shows the number and the receipt', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await openIntake(page);
    const number = await takeCall(page, 'Rudi Hartono', await drawnPhoto(browser));
    expect(number).toMatch(/^[A-Z]+-\d{4}-\d{5}$/);
    expect(number).not.toBe(earlier);
    await page.screenshot({ path: screenshotPath('inbox-intake-done-1366') });

    const saved = await admin.get<{ reporter: { phone: string; name: string }; location: { latitude: number; address: string }; photos: unknown[]; channel: string }>(`/api/tickets/${number}`);
    expect(saved.body).toMatchObject({ channel: 'phone', reporter: { phone: '+6281277778888', name: 'Rudi Hartono' }, location: { address: 'Jl. Kenari depan SD 3' } });
    expect(saved.body.location.latitude).toBeLessThan(0);
    expect(saved.body.photos).toHaveLength(1);

    await page.getByRole('button', { name: 'Cetak tanda terima' }).click();
    const receipt = page.locator('.receipt');
    await receipt.waitFor();
    const text = (await receipt.textContent()) ?? '';
    expect(text).toContain(number);
    expect(text).toContain('Kota Contoh');
    expect(text).toContain('Rudi Hartono');
    expect(text).toContain(`STATUS ${number}`);
    expect(text).not.toContain('7777-8888');
    expect(text).toMatch(/\+62812\*+8888/);
    await page.screenshot({ path: screenshotPath('inbox-intake-receipt-1366') });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Cetak', exact: true }).isVisible()).toBe(false);
    await page.screenshot({ path: screenshotPath('inbox-intake-receipt-print') });
    await context.close();
  });

  it('fits a phone screen (390×844) with no sideways scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await openIntake(page);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const number = await takeCall(page, 'Rudi H.');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: screenshotPath('inbox-intake-done-390') });
    await page.getByRole('button', { name: 'Cetak tanda terima' }).click();
    await expect.poll(() => page.locator('.receipt').textContent()).toContain(number);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: screenshotPath('inbox-intake-receipt-390') });
    await context.close();
  });
});
