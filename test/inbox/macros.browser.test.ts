// Labels and macros in headless Chromium (issue 15 item 9): an operator adds a
// label on the ticket, filters the list by it, and runs a macro (a reply plus
// "Tanggapi") with a double click that acts once; on a wide screen and a phone.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, OperatorSession, startInboxApp, logInInbox } from '../support/inbox.js';
import { WebchatCitizen } from '../support/webchat.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let browser: Browser;
let admin: OperatorSession;
const made: string[] = [];

interface Detail { status: string; labels: string[]; thread: { author: string; text: string }[] }

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  for (const name of ['Dewi Lestari', 'Rudi Hartono']) {
    const citizen = new WebchatCitizen(app.url);
    made.push(await citizen.report({ name, phone: '081299990000', address: 'Jl. Anggrek 7', category: 'Drainase / banjir', description: `Selokan meluap setiap hujan (${name})` }));
  }
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

describe('labels and macros in the browser', () => {
  for (const [name, viewport] of [['wide', { width: 1366, height: 768 }], ['phone', { width: 390, height: 844 }]] as const) {
    it(`adds a label, filters the list by it, and runs a macro once (${name})`, async () => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await logIn(page);
      const number = name === 'wide' ? (made[0] ?? '') : (made[1] ?? '');
      const [tag, code] = name === 'wide' ? ['Mendesak', 'mendesak'] : ['Laporan berulang', 'berulang'];
      await page.goto(`${app.url}/inbox/#/t/${number}`);
      const panel = page.locator('.macro-panel');
      await panel.getByText('Belum ada label.').waitFor();
      await panel.getByLabel('Tambah label…').selectOption({ label: tag });
      await expect.poll(() => panel.locator('.chip').allTextContents()).toEqual([`${tag}×`]);

      // The list, filtered by the label: this ticket only, with its chip.
      await page.goto(`${app.url}/inbox/#/`);
      await page.locator('table.tickets').waitFor();
      await page.getByLabel('Semua label').selectOption({ label: tag });
      await expect.poll(() => page.locator('table.tickets tbody tr td.num a').allTextContents()).toEqual([number]);
      await expect.poll(() => page.locator('table.tickets tbody tr .chip').allTextContents()).toEqual([tag]);
      await page.screenshot({ path: screenshotPath(`inbox-labels-list-${name}`), fullPage: name === 'phone' });

      // The macro: what it will do is shown first; a double click acts once.
      await page.goto(`${app.url}/inbox/#/t/${number}`);
      await panel.getByLabel('Makro').selectOption({ label: 'Tanggapi & tandai sedang ditindaklanjuti' });
      await expect.poll(() => panel.locator('.preview').textContent()).toContain(`laporan ${number} sedang ditindaklanjuti`);
      await expect.poll(() => panel.locator('.preview').textContent()).toContain('Lalu: Tanggapi');
      await panel.locator('.preview').scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshotPath(`inbox-macro-preview-${name}`) });
      await panel.getByRole('button', { name: 'Jalankan makro' }).dblclick();
      await panel.getByText('Makro "Tanggapi & tandai sedang ditindaklanjuti" dijalankan.').waitFor();
      await page.locator('h1 .status.s-in_progress').waitFor();
      await page.screenshot({ path: screenshotPath(`inbox-macro-done-${name}`), fullPage: true });

      const detail = (await admin.get<Detail>(`/api/tickets/${number}`)).body;
      expect(detail.status).toBe('in_progress');
      expect(detail.labels).toEqual([code]);
      expect(detail.thread.filter((m) => m.author === 'operator:admin')).toHaveLength(1);
      // Nothing wider than the screen.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      await context.close();
    });
  }
});
