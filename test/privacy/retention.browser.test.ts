// The retention card on the admin's Konfigurasi page in headless Chromium: the periods in force, in words an
// admin reads (2 years), and what the last run removed, counts only; at phone and desktop width.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { createLogger } from '../../src/observability/logger.js';
import { retentionJob } from '../../src/scheduler/jobs/retention.js';
import { gridFsAttachmentStore } from '../../src/storage/attachments.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { mongoRetention } from '../../src/storage/retention-runs.js';
import { axeViolations, launchChromium, screenshotPath } from '../support/chromium.js';
import { defaultConfig } from '../support/config.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, OperatorSession, openInbox, startInboxApp } from '../support/inbox.js';

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

async function settingsPage(width: number, height: number): Promise<Page> {
  const page = await openInbox(browser, app.url, width, height);
  await page.goto(`${app.url}/inbox/#/settings`);
  await page.getByTestId('retention').waitFor();
  return page;
}

describe('the retention card', () => {
  it('shows the periods, then the counts of the last run', async () => {
    let page = await settingsPage(1366, 900);
    const card = page.getByTestId('retention');
    expect(await card.textContent()).toContain('Belum pernah dijalankan.');
    expect(await card.textContent()).toContain('730d (2 tahun)');

    const admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
    const number = (await admin.post<{ number: string }>('/api/tickets', { channel: 'phone', reporter: { name: 'Pak Joko' }, category: 'jalan_rusak', description: 'Aspal mengelupas' })).body.number;
    const long = new Date(Date.now() - 3 * 365 * 86_400_000);
    await ticketModel(db.connection).updateOne({ _id: number }, { $set: { status: 'rejected', closedAt: long, updatedAt: long } });
    const config = defaultConfig();
    await retentionJob({ config, retention: mongoRetention(db.connection, gridFsAttachmentStore(db.connection, config.limits)), logger: createLogger({ level: 'silent' }) });

    await page.reload();
    await page.getByTestId('retention').waitFor();
    const text = (await page.getByTestId('retention').textContent()) ?? '';
    expect(text).toContain('Terakhir dijalankan');
    expect(text).toContain('Semua yang jatuh tempo sudah diproses.');
    expect(text).toMatch(/Tiket dianonimkan\s*1/);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('inbox-retention-desktop'), fullPage: true });

    page = await settingsPage(390, 844);
    await page.getByTestId('retention').scrollIntoViewIfNeeded();
    const box = await page.getByTestId('retention').boundingBox();
    expect(box?.width).toBeLessThanOrEqual(390);
    await page.getByTestId('retention').screenshot({ path: screenshotPath('inbox-retention-phone') });
  });

  it('removes a finished ticket\'s personal data from the ticket view after asking, once', async () => {
    const admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
    const number = (await admin.post<{ number: string }>('/api/tickets', { channel: 'phone', reporter: { name: 'Ibu Sulastri', phone: '081244445555' }, category: 'jalan_rusak', description: 'Jalan depan rumah Ibu Sulastri berlubang' })).body.number;
    const page = await settingsPage(390, 844);
    await page.goto(`${app.url}/inbox/#/t/${number}`);
    await page.getByText('Jalan depan rumah Ibu Sulastri berlubang').waitFor();
    // An open ticket has no such button: it still needs its reporter.
    expect(await page.getByRole('button', { name: 'Hapus data pribadi' }).count()).toBe(0);

    await ticketModel(db.connection).updateOne({ _id: number }, { $set: { status: 'rejected', closedAt: new Date() } });
    await page.reload();
    await page.getByRole('button', { name: 'Hapus data pribadi' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain(`Hapus data pribadi ${number} sekarang?`);
    await dialog.getByRole('button', { name: 'Batal' }).click();
    expect(await page.getByText('Jalan depan rumah Ibu Sulastri berlubang').count()).toBe(1);

    await page.getByRole('button', { name: 'Hapus data pribadi' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Hapus data pribadi' }).click();
    await page.getByText('Data pribadi tiket ini sudah dihapus').waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('(dihapus: data pribadi)');
    expect(text).not.toMatch(/Sulastri|81244445555/);
    await page.screenshot({ path: screenshotPath('inbox-ticket-anonymised-phone'), fullPage: true });
    const audit = await admin.get<{ entries: { action: string }[] }>(`/api/audit?ticket=${number}`);
    expect(audit.body.entries.filter((e) => e.action === 'ticket_anonymise')).toHaveLength(1);
  });
});
