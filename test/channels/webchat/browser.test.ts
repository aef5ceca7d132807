// A person completes a report on the web chat page in headless Chromium
// (Debian's chromium, driven by playwright-core), photo and location included.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import { ticketModel } from '../../../src/storage/models/ticket.js';
import { startTestApp } from '../../support/app.js';
import { launchChromium, screenshotPath } from '../../support/chromium.js';
import { useTestDatabase } from '../../support/database.js';
import { fakeJpeg } from '../../support/images.js';

const db = useTestDatabase(import.meta.filename);
const SCREENSHOT = screenshotPath('webchat');
let app: RunningApplication;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp(db);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
});

describe('web chat page', () => {
  it('lets a person report a complaint in the browser and shows the ticket number', async () => {
    const context = await browser.newContext({ geolocation: { latitude: -6.914744, longitude: 107.60981 }, permissions: ['geolocation'], viewport: { width: 480, height: 860 } });
    const page = await context.newPage();
    await page.goto(app.url);
    const bot = (text: string | RegExp) => page.locator('.msg--bot', { hasText: text }).last().waitFor();
    const type = async (text: string) => {
      await page.fill('#text', text);
      await page.press('#text', 'Enter');
    };

    await bot('Silakan pilih layanan');
    await page.getByRole('button', { name: 'Buat laporan/pengaduan' }).click();
    await bot('nama lengkap');
    await type('Agus Salim');
    await bot('nomor HP');
    await type('0812 7777 8888');
    await bot('alamat tempat tinggal');
    await type('Jl. Braga No. 5, Bandung');
    await bot('jenis masalah');
    await page.getByRole('button', { name: 'Drainase / banjir' }).click();
    await bot('Ceritakan masalahnya');
    await type('Genangan setinggi lutut setiap hujan karena selokan tersumbat.');
    await bot('Kirim foto');
    await page.setInputFiles('#photo', { name: 'genangan.jpg', mimeType: 'image/jpeg', buffer: fakeJpeg(30_000, 4) });
    await bot('Foto diterima (1/5)');
    await type('selesai');
    await bot('lokasi masalahnya');
    await page.click('#location');
    await bot('Ringkasan laporan Anda');
    await page.getByRole('button', { name: 'Ya', exact: true }).click();
    await bot(/ADU-\d{4}-\d{5}/);

    const text = (await page.locator('.msg--bot').last().textContent()) ?? '';
    const number = /ADU-\d{4}-\d{5}/.exec(text)?.[0];
    expect(text).toContain('Dinas Pekerjaan Umum dan Penataan Ruang');
    await page.screenshot({ path: SCREENSHOT });
    expect(await ticketModel(db.connection).findById(number).lean()).toMatchObject({
      channel: 'webchat',
      category: 'drainase_banjir',
      reporter: { name: 'Agus Salim', phone: '+6281277778888' },
      location: { latitude: -6.914744, longitude: 107.60981 },
      attachments: [{ contentType: 'image/jpeg', size: 30_000 }],
    });
    await context.close();
  });
});
