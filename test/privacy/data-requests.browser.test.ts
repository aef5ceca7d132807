// The "Permintaan data pribadi" card on the admin's Konfigurasi page in headless Chromium, at phone width:
// none open, then a citizen's request with its reference, the channel in words and the account masked; axe-clean;
// and its audit entry in words.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { axeViolations, launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { openInbox, startInboxApp } from '../support/inbox.js';

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

describe('the data requests card', () => {
  it('shows an open request at 390 px, the account masked, without accessibility violations', async () => {
    const page = await openInbox(browser, app.url, 390, 844);
    await page.goto(`${app.url}/inbox/#/settings`);
    const card = page.getByTestId('data-requests');
    await card.waitFor();
    expect(await card.textContent()).toContain('Tidak ada permintaan yang terbuka.');

    await app.router.handle({ channel: 'whatsapp', channelUserId: '6281299998888', messageId: 'wamid.erase-ui', at: new Date(), text: 'tolong hapus data pribadi saya' });
    const [request] = await app.storage.dataRequests.open(10);
    await page.reload();
    await card.getByText(request?.reference ?? 'none').waitFor();
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('Permintaan data pribadi');
    expect(text).toContain('1 permintaan terbuka');
    expect(text).toContain('WhatsApp');
    expect(text).toContain('Hapus data');
    expect(text).toContain('0812•••••888');
    expect(text).not.toContain('6281299998888');
    await card.scrollIntoViewIfNeeded();
    const box = await card.boundingBox();
    expect(box?.width).toBeLessThanOrEqual(390);
    expect(await axeViolations(page)).toEqual([]);
    await card.screenshot({ path: screenshotPath('inbox-data-requests-phone') });

    const desktop = await openInbox(browser, app.url, 1366, 900);
    await desktop.goto(`${app.url}/inbox/#/settings`);
    await desktop.getByTestId('data-requests').getByText(request?.reference ?? 'none').waitFor();
    await desktop.getByTestId('data-requests').screenshot({ path: screenshotPath('inbox-data-requests-desktop') });

    // The audit trail says it in words, without the person's account.
    await desktop.goto(`${app.url}/inbox/#/audit`);
    const entry = desktop.locator('td.detail[data-action="data_request"]');
    await expect.poll(() => entry.first().textContent()).toBe(`Warga meminta penghapusan data pribadinya lewat WhatsApp (nomor ${request?.reference ?? 'none'})`);
  });
});
