// Merging and splitting in headless Chromium (issue 16 item 2): a central operator
// merges a second report of a pothole into the first from the ticket view (after a
// confirmation), sees the count on the list and sorts by it, is refused a merge of a
// ticket into itself in words, and splits the citizen out again; the citizen on
// Telegram is told each time. On a phone the panel fits and warns about a caller.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { FakeBotApi } from '../support/bot-api.js';
import { axeViolations, launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, OperatorSession, startInboxApp, logInInbox, withTelegram } from '../support/inbox.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
/** What an operator waits for (a page, a merge and its notices) may take a while on a loaded machine. */
const SLOW = { timeout: 15_000 };
let api: FakeBotApi;
let app: RunningApplication;
let admin: OperatorSession;
let browser: Browser;
let first = '';
let second = '';

beforeAll(async () => {
  api = await new FakeBotApi().start();
  app = await startInboxApp(db, withTelegram(api));
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  first = (await app.tickets.create({ channel: 'telegram', reporter: { name: 'Pak Joko Santoso', channelUserId: '7501' }, category: 'jalan_rusak', description: 'Jalan berlubang besar di depan SDN 3 Melati, sudah dua motor jatuh.', location: { latitude: -6.9147, longitude: 107.6098, address: 'Jl. Melati 12' } }, 'reporter')).number;
  second = (await app.tickets.create({ channel: 'telegram', reporter: { name: 'Bu Rina Wulandari', channelUserId: '7502' }, category: 'jalan_rusak', description: 'Lubang di Jl. Melati dekat sekolah, bahaya untuk anak-anak.', location: { latitude: -6.9148, longitude: 107.6099 } }, 'reporter')).number;
  await app.tickets.create({ channel: 'telegram', reporter: { name: 'Dedi', channelUserId: '7503' }, category: 'sampah', description: 'Sampah menumpuk' }, 'reporter');
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
  await api.stop();
});

async function openTicket(page: Page, number: string): Promise<void> {
  await page.goto(`${app.url}/inbox/#/t/${number}`);
  await page.locator('.history li').first().waitFor();
}

describe('merging and splitting in the browser', () => {
  it('merges after a confirmation, shows and sorts by the count, says a refusal in words, and splits the citizen out again', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await logInInbox(page, app.url, ADMIN.username, ADMIN.password);
    await page.locator('table.tickets').waitFor();
    await openTicket(page, second);
    const panel = page.locator('.followers-panel');
    await expect.poll(() => panel.locator('.citizens-count').textContent(), SLOW).toBe('Dilaporkan oleh 1 warga (pelapor di atas)');

    // The first report, 16 m away, is offered: a press puts its number into the form.
    const offer = panel.locator('.candidates li');
    await expect.poll(() => offer.textContent(), SLOW).toContain(`${first} · 16\u00a0m · Menunggu tanggapan`);
    await offer.getByRole('button', { name: `Pakai ${first}` }).click();
    expect(await panel.getByLabel('Nomor tiket tujuan').inputValue()).toBe(first);
    await panel.getByRole('button', { name: 'Gabungkan…' }).click();
    const dialog = page.locator('dialog[open]');
    await expect.poll(() => dialog.textContent(), SLOW).toContain(`Gabungkan ${second} ke ${first}? Tiket ini ditutup sebagai digabungkan; pelapornya menjadi pengikut ${first}`);
    expect(await dialog.textContent()).toContain('pelapor lewat telepon atau datang langsung tidak: kabari mereka lewat telepon');
    await page.screenshot({ path: screenshotPath('inbox-merge-confirm') });
    await dialog.getByRole('button', { name: 'Gabungkan' }).click();
    await expect.poll(() => panel.locator('.notice').textContent(), SLOW).toBe(`Digabungkan ke ${first}: kini dilaporkan oleh 2 warga. 1 warga diberi tahu lewat bot.`);
    await expect.poll(() => page.locator('h1 .status').textContent(), SLOW).toBe('Selesai');
    expect(await panel.locator('.merged').textContent()).toContain(`Tiket ini digabungkan ke ${first}`);
    await expect.poll(() => page.locator('.history li').last().textContent(), SLOW).toContain(`Digabungkan ke ${first} oleh`);
    expect(await panel.locator('form.merge').count()).toBe(0); // a merged ticket is merged no further
    // The citizen read it on Telegram.
    await until('the merge notice on Telegram', () => api.textsTo(7502).some((t) => t.includes(`dengan laporan ${first}`)), 20_000);

    await panel.getByRole('link', { name: `Buka ${first}` }).click();
    await expect.poll(() => page.locator('h1').textContent(), SLOW).toContain(first);
    await expect.poll(() => panel.locator('.citizens-count').textContent(), SLOW).toBe('Dilaporkan oleh 2 warga');
    const rina = panel.locator('li.follower');
    expect(await rina.locator('.who strong').textContent()).toBe('Bu Rina Wulandari');
    expect(await rina.locator('.how').textContent()).toContain(`digabungkan dari tiket ${second}`);
    expect(await rina.locator('q').textContent()).toBe('Lubang di Jl. Melati dekat sekolah, bahaya untuk anak-anak.');
    await expect.poll(() => page.locator('.history li').last().textContent(), SLOW).toContain(`${second} digabungkan ke tiket ini oleh`);
    // In the thread, the news of the merge is marked as going to her, not to the reporter.
    expect(await page.locator('.thread .msg', { hasText: `Kabar laporan ${second}` }).locator('.who').textContent()).toBe('Bot → Bu Rina Wulandari');
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('inbox-followers') });

    // A ticket into itself (typed, in small letters): refused, in words, and nothing changes.
    await panel.getByLabel('Nomor tiket tujuan').fill(first.toLowerCase());
    await panel.getByRole('button', { name: 'Gabungkan…' }).click();
    await dialog.getByRole('button', { name: 'Gabungkan' }).click();
    await expect.poll(() => panel.locator('.error').textContent(), SLOW).toBe('Tiket tidak dapat digabungkan ke dirinya sendiri. Tulis nomor tiket lain.');
    expect(await panel.locator('.citizens-count').textContent()).toBe('Dilaporkan oleh 2 warga');

    // The list: "2 warga" on the row, and the most-reported first when sorted by it.
    await page.goto(`${app.url}/inbox/#/`);
    const row = page.locator('table.tickets tbody tr', { hasText: first });
    await expect.poll(() => row.locator('.badge.citizens').textContent(), SLOW).toBe('2 warga');
    expect(await row.locator('.badge.citizens').getAttribute('title')).toBe('Dilaporkan oleh 2 warga');
    expect(await page.locator('table.tickets tbody tr', { hasText: second }).locator('.merged-into').textContent()).toBe(`digabungkan ke ${first}`);
    await page.getByRole('button', { name: 'Pelapor' }).click();
    await expect.poll(() => page.locator('table.tickets tbody tr a').first().textContent(), SLOW).toBe(first);
    expect(await page.locator('th[aria-sort=descending]').textContent()).toContain('Pelapor');
    await page.screenshot({ path: screenshotPath('inbox-list-citizens') });

    // Split Bu Rina out again: her own ticket reopens, and she is told its number.
    await openTicket(page, first);
    await panel.getByRole('button', { name: 'Pisahkan' }).click();
    await expect.poll(() => dialog.textContent(), SLOW).toContain(`Pisahkan Bu Rina Wulandari dari tiket ini? Tiket ${second} miliknya dibuka kembali`);
    await dialog.getByRole('button', { name: 'Pisahkan' }).click();
    await expect.poll(() => panel.locator('.notice').textContent(), SLOW).toBe(`Bu Rina Wulandari dipisahkan: laporannya kini tiket ${second}. Bu Rina Wulandari diberi tahu nomornya lewat Telegram.`);
    await expect.poll(() => panel.locator('.citizens-count').textContent(), SLOW).toBe('Dilaporkan oleh 1 warga (pelapor di atas)');
    expect(await panel.locator('li.follower').count()).toBe(0);
    await until('the split notice on Telegram', () => api.textsTo(7502).some((t) => t.includes(`nomor tiket ${second}`)), 20_000);
    expect((await app.tickets.get(second)).status).toBe('open');
    // The audit trail says both in words.
    await page.goto(`${app.url}/inbox/#/audit`);
    await expect.poll(() => page.locator('td[data-action=merge]').first().textContent(), SLOW).toBe(`Menggabungkan tiket ini ke ${first} (1 warga pindah, 1 diberi tahu lewat bot)`);
    expect(await page.locator('td[data-action=split_follower]').first().textContent()).toBe(`Memisahkan seorang pengikut; laporannya kini tiket ${second}`);
    await openTicket(page, first);
    expect(await axeViolations(page).then((v) => v.filter((x) => x.impact === 'serious' || x.impact === 'critical'))).toEqual([]);
    await context.close();
  }, 90_000);

  it('fits a phone, and warns that a phone reporter is to be called', async () => {
    const caller = (await admin.post<{ number: string }>('/api/tickets', { channel: 'phone', reporter: { name: 'Pak Harun', phone: '0812 7777 1234' }, category: 'jalan_rusak', description: 'Lubang di Jl. Melati, motor saya jatuh kemarin sore.' })).body.number;
    const merged = await fetch(`${app.url}/api/tickets/${caller}/merge`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: admin.cookie ?? '', 'x-csrf-token': admin.csrf ?? '' }, body: JSON.stringify({ into: first }) });
    expect(((await merged.json()) as { unreachable: number }).unreachable).toBe(1);

    const phone = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await phone.newPage();
    page.setDefaultTimeout(15_000);
    await logInInbox(page, app.url, ADMIN.username, ADMIN.password);
    await page.locator('table.tickets').waitFor();
    await openTicket(page, first);
    const panel = page.locator('.followers-panel');
    await expect.poll(() => panel.locator('li.follower .warn').textContent(), SLOW).toBe('Tidak dapat dihubungi lewat bot (telepon/datang langsung): kabari lewat telepon. +6281277771234');
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('inbox-followers-phone') });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await axeViolations(page).then((v) => v.filter((x) => x.impact === 'serious' || x.impact === 'critical'))).toEqual([]);
    await phone.close();
  }, 60_000);
});
