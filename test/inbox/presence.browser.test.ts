// Presence in headless Chromium (issue 15 item 1): two operators of one agency open
// the same ticket in two browsers; the second sees that the first has it open, then
// that the first is typing a reply — and never themselves.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp, logInInbox } from '../support/inbox.js';
import { WebchatCitizen } from '../support/webchat.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let browser: Browser;
let number: string;

beforeAll(async () => {
  app = await startInboxApp(db);
  const admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  await admin.post('/api/operators', { username: 'dlh.eko', name: 'Eko (DLH)', role: 'agency', agency: 'DLH', password: 'password-eko-001' });
  number = await new WebchatCitizen(app.url).report({ name: 'Tono', phone: '081211113333', address: 'Jl. Melati 3', category: 'Sampah', description: 'Sampah tidak diangkut seminggu' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
});

async function open(username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await logInInbox(page, app.url, username, password);
  await page.locator('table.tickets').waitFor();
  await page.goto(`${app.url}/inbox/#/t/${number}`);
  await page.locator('article.ticket h1').waitFor();
  return page;
}

describe('presence in the browser', () => {
  it('shows B that A has the ticket open, then that A is typing a reply', async () => {
    const a = await open('dlh.sari', 'password-dlh-01');
    const b = await open('dlh.eko', 'password-eko-001');
    const notice = b.locator('ul.presence[aria-live="polite"]');
    await expect.poll(() => notice.textContent()).toBe('Sari (DLH) juga membuka tiket ini');
    // A sees B too, never themselves.
    await expect.poll(() => a.locator('ul.presence').textContent()).toBe('Eko (DLH) juga membuka tiket ini');
    await a.locator('textarea[name="reply"]').pressSequentially('Baik, petugas', { delay: 30 });
    await expect.poll(() => notice.textContent()).toBe('Sari (DLH) sedang mengetik balasan…');
    await b.screenshot({ path: screenshotPath('inbox-presence') });
    // A leaves: the notice goes.
    await a.close();
    await expect.poll(() => notice.textContent()).toBe('');
  });
});
