// Masked personal data in headless Chromium at phone width: an agency operator
// sees the reporter's phone, email and address masked, reveals the phone with the
// keyboard ("Tampilkan"), reads the full number, and the reveal is in the audit;
// the page passes axe-core. The admin sees everything plain, with no button.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { axeViolations, launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, logInInbox, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let browser: Browser;
let admin: OperatorSession;
let number = '';

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  number = (await app.tickets.create({ channel: 'whatsapp', reporter: { name: 'Dewi Lestari', phone: '+6281234567678', email: 'dewi.lestari@warga.example', address: 'Jl. Melati No. 5, RT 02', channelUserId: '6281234567678' }, category: 'jalan_rusak', description: 'Lubang dalam di depan SD Negeri 3' }, 'reporter')).number;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
});

/** Logs in, looks at the list (`atList`), opens the ticket. */
async function openTicket(page: Page, username: string, password: string, atList: () => Promise<void> = () => Promise.resolve()): Promise<void> {
  page.setDefaultTimeout(15_000);
  await logInInbox(page, app.url, username, password);
  await page.locator('table.tickets').waitFor();
  await atList();
  await page.goto(`${app.url}/inbox/#/t/${number}`);
  await reporterCard(page).waitFor();
}

/** The ticket's first card about the citizen: "Pelapor". */
const reporterCard = (page: Page) => page.locator('article.ticket section.card', { has: page.getByRole('heading', { name: 'Pelapor', exact: true }) });

describe('masked personal data in the inbox', () => {
  it('an agency operator at 390 px sees the contact masked and reveals the phone with the keyboard; audited', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 }, screen: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await openTicket(page, 'dpupr.budi', 'password-dpupr-1', async () => {
      // The search says what it searches: no phone, email or address for a role that sees them masked.
      expect(await page.getByRole('searchbox').getAttribute('placeholder')).toBe('Cari nomor, nama, lokasi, uraian…');
    });
    const card = reporterCard(page);
    await expect.poll(() => card.innerText()).toContain('Dewi Lestari · 0812•••••678');
    const text = await card.innerText();
    expect(text).toContain('d•••@warga.example');
    expect(text).toContain('Jl.•••');
    expect(text).toContain('Data pribadi pelapor disamarkan. Membukanya tercatat atas nama Anda.');
    expect(text).not.toContain('1234567');
    expect(await card.getByRole('button', { name: /^Tampilkan/ }).count()).toBe(3);

    const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious).toEqual([]);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('inbox-personal-masked-phone') });

    const show = card.getByRole('button', { name: 'Tampilkan nomor telepon lengkap (tercatat di jejak audit)' });
    await show.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => card.locator('.personal.revealed').textContent()).toBe('+6281234567678');
    // The keyboard stays on the number, where the button was.
    expect(await page.evaluate<string>('document.activeElement?.textContent ?? ""')).toBe('+6281234567678');
    // A tap calls the citizen back.
    expect(await card.locator('.personal.revealed').getAttribute('href')).toBe('tel:+6281234567678');
    expect(await card.getByRole('button', { name: /^Tampilkan/ }).count()).toBe(2);
    await page.screenshot({ path: screenshotPath('inbox-personal-revealed-phone') });
    await context.close();

    const audit = (await admin.get<{ entries: { action: string; actor: string; detail?: Record<string, unknown> }[] }>(`/api/audit?ticket=${number}`)).body.entries;
    expect(audit.filter((e) => e.action === 'reveal_personal_data').map((e) => [e.actor, e.detail?.field])).toEqual([['operator:dpupr.budi', 'phone']]);
  });

  it('a central admin on a desktop sees the contact plain, without a button, and the reveal and reads in the audit trail', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await openTicket(page, ADMIN.username, ADMIN.password);
    const card = reporterCard(page);
    await expect.poll(() => card.innerText()).toContain('Dewi Lestari · +6281234567678 · dewi.lestari@warga.example');
    expect(await card.getByRole('button', { name: /^Tampilkan/ }).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('inbox-personal-admin') });

    // The audit trail says it in words: who revealed what, who read whose data.
    await page.goto(`${app.url}/inbox/#/audit`);
    const reveal = page.locator('td.detail[data-action="reveal_personal_data"]');
    await expect.poll(() => reveal.first().textContent()).toBe('Membuka telepon pelapor yang disamarkan');
    expect(await page.locator('td.detail[data-action="read_personal_data"]').allTextContents()).toEqual(expect.arrayContaining(['Membaca data pribadi warga dari 1 tiket (nama)', 'Membaca data pribadi warga dari 1 tiket (nama, telepon, email, alamat)']));
    await context.close();
  });
});
