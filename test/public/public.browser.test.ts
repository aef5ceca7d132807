// The public pages in Chromium, offline (no map tiles load here, as on a
// closed network): /peta at 390 px (touch) and 1366 px with its circles on a
// plain background and the table below, usable from the keyboard, no serious
// axe-core findings, nothing wider than the phone; a ticket's status page
// likewise. And the inbox: an operator drags a box over a photo, confirms, and
// the public copy is black there.
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import type { Ticket } from '../../src/tickets/model.js';
import { axeViolations, drawnPhoto, launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, logInInbox, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
type Size = typeof PHONE;
let app: RunningApplication;
let browser: Browser;
let withPhoto: Ticket;
const contexts: BrowserContext[] = [];

/** Around Surabaya's city hall; the README's screenshot shows these. */
const SPOTS: [string, number, number][] = [
  ['jalan_rusak', -7.2575, 112.7521], ['sampah', -7.2612, 112.7483], ['drainase_banjir', -7.2531, 112.7466], ['penerangan_jalan', -7.2650, 112.7550],
  ['jalan_rusak', -7.2490, 112.7590], ['air_bersih', -7.2688, 112.7437], ['sampah', -7.2555, 112.7612],
];

beforeAll(async () => {
  app = await startInboxApp(db, (c) => { c.public.baseUrl = 'https://aduan.kotacontoh.go.id'; });
  const admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  browser = await launchChromium();
  const photo = await app.storage.attachments.saveImage({ bytes: await drawnPhoto(browser, 640, 480), filename: 'banjir.jpg' });
  for (const [i, [category, latitude, longitude]] of SPOTS.entries()) {
    const ticket = await app.tickets.create({ channel: 'webchat', reporter: { name: `Warga ${String(i)}`, phone: `+62812000000${String(i)}`, channelUserId: `peta-${String(i)}` }, category, description: `Laporan ${String(i)}`, location: { latitude, longitude }, ...(i === 2 ? { attachments: [photo] } : {}) }, 'reporter');
    if (i % 3 === 1) await app.tickets.transition(ticket.number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
    if (i === 2) withPhoto = ticket;
  }
}, 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser.close().catch(() => undefined);
  await app.stop();
});

async function open(size: Size): Promise<Page> {
  const phone = size.width < 600;
  // axe-core is injected as a script of the page: the test lets it past the page's CSP.
  const context = await browser.newContext({ bypassCSP: true, locale: 'id-ID', viewport: size, screen: size, ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

async function accessible(page: Page, size: Size, what: string): Promise<void> {
  const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${what} at ${String(size.width)}: axe-core`).toEqual([]);
  expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `${what} at ${String(size.width)}: no sideways scrolling`).toBeLessThanOrEqual(size.width);
}

describe('the public map', () => {
  for (const size of [PHONE, DESKTOP]) {
    it(`shows the tickets as circles and as a table at ${String(size.width)} px, usable from the keyboard`, async () => {
      const page = await open(size);
      await page.goto(`${app.url}/peta`);
      await page.locator('#map.leaflet-container').waitFor();
      // The README's picture: the whole page as it opens.
      await page.screenshot({ path: size === DESKTOP && process.env.SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/peta.png', import.meta.url)) : screenshotPath(`peta-${String(size.width)}`), fullPage: true });
      expect(await page.locator('#map path.leaflet-interactive').count()).toBe(SPOTS.length);
      expect(await page.locator('#tickets tbody tr').count()).toBe(SPOTS.length);
      await expect.poll(() => page.getByText('7 laporan').count()).toBe(1);
      // A ticket number in the table shows its circle's popup.
      const first = page.locator('#tickets tbody tr').first().getByRole('button');
      const number = (await first.textContent()) ?? '';
      await first.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.leaflet-popup-content').textContent()).toContain(number);
      await page.screenshot({ path: screenshotPath(`peta-popup-${String(size.width)}`) });
      await accessible(page, size, '/peta');

      // Filtering by status keeps what was chosen and narrows the table and the map alike.
      await page.getByLabel('Status').selectOption('in_progress');
      await page.getByRole('button', { name: 'Terapkan' }).click();
      await page.waitForURL(/status=in_progress/);
      await page.locator('#map.leaflet-container').waitFor();
      expect(await page.locator('#tickets tbody tr').count()).toBe(2);
      expect(await page.locator('#map path.leaflet-interactive').count()).toBe(2);
    });
  }
});

describe('a ticket\'s status page', () => {
  for (const size of [PHONE, DESKTOP]) {
    it(`reads well and passes axe-core at ${String(size.width)} px, in both languages`, async () => {
      const page = await open(size);
      await page.goto(`${app.url}/t/${withPhoto.number}?k=${withPhoto.publicToken ?? ''}`);
      await page.getByRole('heading', { name: `Laporan ${withPhoto.number}` }).waitFor();
      await page.screenshot({ path: screenshotPath(`status-page-${String(size.width)}`), fullPage: true });
      await accessible(page, size, '/t');
      await page.getByRole('link', { name: 'English' }).click();
      await page.getByRole('heading', { name: `Report ${withPhoto.number}` }).waitFor();
      await accessible(page, size, '/t in English');
    });
  }
});

describe('publishing a photo from the inbox', () => {
  it('an operator drags a box over the photo, confirms, and the public copy is black there', async () => {
    const page = await open(DESKTOP);
    await logInInbox(page, app.url, ADMIN.username, ADMIN.password);
    await page.locator('table.tickets').waitFor();
    await page.goto(`${app.url}/inbox/#/t/${withPhoto.number}`);
    const panel = page.locator('section.public-photos');
    await panel.getByText('Foto laporan 1: Tidak tampil di halaman publik').waitFor();
    await expect.poll(() => panel.getByRole('link').getAttribute('href')).toMatch(new RegExp(`^https://aduan\\.kotacontoh\\.go\\.id/t/${withPhoto.number}\\?k=${withPhoto.publicToken ?? ''}$`));
    await panel.getByRole('button', { name: 'Terbitkan…' }).click();
    const canvas = panel.locator('.canvas');
    await page.waitForFunction("document.querySelector('.public-photos .canvas img')?.naturalWidth > 0");
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('no editor on the page');
    // From a quarter to a half of the photo, both ways.
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.25);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.4, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 4 });
    await page.mouse.up();
    await panel.getByText('Bagian yang dihitamkan: 1').waitFor();
    // From the keyboard too: Enter adds a box in the middle, the arrows move it; the × removes it again.
    await canvas.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await panel.getByText('Bagian yang dihitamkan: 2').waitFor();
    expect(await canvas.locator('.box').nth(1).getAttribute('style')).toMatch(/left: 42%; top: 40%; width: 20%; height: 22%/);
    await panel.getByRole('button', { name: 'Hapus kotak 2' }).click();
    await panel.getByText('Bagian yang dihitamkan: 1').waitFor();
    await accessible(page, DESKTOP, 'the ticket view with the black-out editor open');
    await page.screenshot({ path: screenshotPath('inbox-public-photo-editor') });
    await panel.getByRole('button', { name: 'Terbitkan foto' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`Tampilkan foto ini di halaman publik ${withPhoto.number} dengan 1 bagian dihitamkan?`).waitFor();
    await dialog.getByRole('button', { name: 'Terbitkan foto' }).dblclick();
    await panel.getByText('Foto diterbitkan.').waitFor();
    await panel.getByText('Foto laporan 1: Tampil di halaman publik').waitFor();
    await page.screenshot({ path: screenshotPath('inbox-public-photo-published') });

    const status = await (await fetch(`${app.url}/t/${withPhoto.number}.json?k=${withPhoto.publicToken ?? ''}`)).json() as { photos: { url: string }[] };
    expect(status.photos).toHaveLength(1);
    const served = await fetch(`${app.url}${status.photos[0]?.url ?? ''}`);
    const image = jpeg.decode(Buffer.from(await served.arrayBuffer()), { useTArray: true });
    const brightest = (x: number, y: number) => Math.max(...Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3)));
    expect([image.width, image.height]).toEqual([640, 480]);
    for (const [x, y] of [[170, 130], [240, 180], [310, 230]] as const) expect(brightest(x, y), `inside ${String(x)},${String(y)}`).toBeLessThan(20);
    // The sky above and the road below keep their colours.
    for (const [x, y] of [[320, 40], [320, 400]] as const) expect(brightest(x, y), `outside ${String(x)},${String(y)}`).toBeGreaterThan(60);
    // On a phone: the panel with the published copy, the editor open, nothing wider than the screen.
    const phone = await open(PHONE);
    await logInInbox(phone, app.url, ADMIN.username, ADMIN.password);
    await phone.locator('.tickets, p.empty').first().waitFor();
    await phone.goto(`${app.url}/inbox/#/t/${withPhoto.number}`);
    const phonePanel = phone.locator('section.public-photos');
    await phonePanel.getByText('Foto laporan 1: Tampil di halaman publik').waitFor();
    await phonePanel.getByRole('button', { name: 'Terbitkan ulang…' }).click();
    await phonePanel.locator('.canvas img').waitFor();
    await phonePanel.scrollIntoViewIfNeeded();
    await phone.screenshot({ path: screenshotPath('inbox-public-photo-phone') });
    await accessible(phone, PHONE, 'the ticket view on a phone with the editor open');

    // A double click on the confirmation published once.
    const audit = await (await OperatorSession.login(app.url, ADMIN.username, ADMIN.password)).get<{ entries: { action: string }[] }>(`/api/audit?ticket=${withPhoto.number}`);
    expect(audit.body.entries.filter((e) => e.action === 'publish_photo')).toHaveLength(1);
  });
});
