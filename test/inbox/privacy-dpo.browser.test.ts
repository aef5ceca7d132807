// The data protection officer's page ("Data pribadi", issue 17 item 2) in headless Chromium, against the real
// server: an admin adds the DPO on the Operators page; citizens report on the web chat (with a photo) and write
// "hapus data saya"; neither the admin nor an agency operator has a link to the page; the DPO lands on it, sees the
// requests with their due time, finds the reporter by phone in other spellings, sees their ticket, downloads the
// archive, corrects name and phone (the ticket shows them), erases them behind a typed HAPUS (the counts shown, the
// citizen told first, the search then finds nobody), and closes another citizen's request as refused, which the
// citizen reads on the web chat. Double clicks act once; the audit trail says it in words; no serious axe
// violations at 360 px; no sideways scrolling.
import { stat } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { axeViolations, drawnPhoto, launchChromium, screenshotPath } from '../support/chromium.js';
import { TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, openInbox, OperatorSession, startInboxApp } from '../support/inbox.js';
import { until } from '../support/until.js';
import { WebchatCitizen } from '../support/webchat.js';

const db = useTestDatabase(import.meta.filename);
const DPO = { username: 'pdp.nina', password: 'password-pdp-01' };
const REFERENCE = /PD-[2-9A-HJKMNP-Z]{6}/;
let app: RunningApplication;
let browser: Browser;
let rina: WebchatCitizen;
let budi: WebchatCitizen;
let number = '';
let rinaRequest = '';
let budiRequest = '';

/** A citizen's "hapus data saya" on the web chat; resolves with the reference the bot said back. */
async function askErasure(citizen: WebchatCitizen): Promise<string> {
  const said = await citizen.say('hapus data saya');
  const reference = REFERENCE.exec(said)?.[0];
  if (!reference) throw new Error(`no reference in: ${said}`);
  return reference;
}

beforeAll(async () => {
  browser = await launchChromium();
  app = await startInboxApp(db);
  const admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);

  // Rina reports a flooded street with a photo, then asks for her data to be deleted.
  rina = new WebchatCitizen(app.url);
  for (const answer of ['halo', '1', 'Rina Marlina', '0812 5555 1234', 'Jl. Kenanga 7, RT 03', 'Sampah', 'Sampah menumpuk di selokan, meluap ke jalan setiap hujan.']) await rina.say(answer);
  if ((await rina.photo(await drawnPhoto(browser, 320, 240), 'selokan.jpg')).status !== 202) throw new Error('the photo was refused');
  await rina.say('selesai');
  await rina.say('Depan musala Al-Ikhlas');
  number = TICKET_NUMBER.exec(await rina.say('Ya'))?.[0] ?? '';
  if (!number) throw new Error('no ticket number');
  rinaRequest = await askErasure(rina);
  // Budi only asks.
  budi = new WebchatCitizen(app.url);
  await budi.say('halo');
  budiRequest = await askErasure(budi);
});
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
});

const navLink = (page: Page) => page.locator('#top-menu a[href="#/data-pribadi"]');
const serious = async (page: Page) => (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
const scrollWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

async function search(page: Page, q: string): Promise<string> {
  await page.getByLabel('Nomor HP, email, atau ID akun').fill(q);
  await page.getByRole('button', { name: 'Cari', exact: true }).click();
  const results = page.locator('.dpo-results');
  await expect.poll(() => results.getAttribute('data-q')).toBe(q);
  return (await results.innerText()).replace(/\s+/g, ' ');
}

describe('the data protection officer\'s page', () => {
  it('an admin adds the data protection officer on the Operators page, in words', async () => {
    const page = await openInbox(browser, app.url, 1366, 900);
    await page.goto(`${app.url}/inbox/#/operators`);
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Tambah operator' }) });
    await form.getByLabel('Nama pengguna').fill(DPO.username);
    await form.getByLabel('Nama', { exact: true }).fill('Nina (PDP)');
    await form.getByLabel('Peran').selectOption({ label: 'Pejabat PDP (pelindungan data pribadi)' });
    await form.getByLabel('Kata sandi').fill(DPO.password);
    await form.getByRole('button', { name: 'Tambah operator' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(`Operator ditambahkan: ${DPO.username}`);
    expect(await page.locator('tr', { hasText: DPO.username }).innerText()).toContain('Pejabat PDP (pelindungan data pribadi)');
    // The admin has no personal data page: the DPO's work is the DPO's (least privilege).
    expect(await navLink(page).count()).toBe(0);
    await page.context().close();
  });

  it('is linked for the DPO only; an agency operator has no link and no page', async () => {
    const agency = await openInbox(browser, app.url, 1366, 900, { username: 'dpupr.budi', password: 'password-dpupr-1' });
    // The ticket list (no tickets of this agency yet) is what the page shows, for the hash of the DPO's page too.
    await agency.getByText('Tidak ada tiket.').waitFor();
    expect(await navLink(agency).count()).toBe(0);
    await agency.goto(`${app.url}/inbox/#/data-pribadi`);
    await agency.getByText('Tidak ada tiket.').waitFor();
    expect(await agency.locator('.dpo').count()).toBe(0);
    // And the server refuses them, whatever the page shows.
    const session = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
    expect((await session.get('/api/privacy/requests?status=open')).status).toBe(403);
    await agency.context().close();
  });

  it('at 360 px: the DPO lands on the page, sees the open requests, finds Rina by phone and opens her', async () => {
    const page = await openInbox(browser, app.url, 360, 800, DPO);
    await expect.poll(() => page.evaluate<string>('location.hash')).toBe('#/data-pribadi');
    expect(await navLink(page).count()).toBe(1);
    const requests = page.getByTestId('dpo-requests');
    const rinaItem = requests.locator(`li[data-reference="${rinaRequest}"]`);
    await rinaItem.waitFor();
    const text = await rinaItem.innerText();
    expect(text).toContain('Hapus data');
    expect(text).toContain('Web chat');
    expect(text).toContain(rina.sessionId);
    // Due within 3×24 hours of asking, not past it yet.
    expect(text).toContain('Batas jawab');
    expect(text).not.toContain('lewat 3×24 jam');
    expect(await requests.locator(`li[data-reference="${budiRequest}"]`).count()).toBe(1);
    // Oldest first.
    const order = await Promise.all((await requests.locator(':scope > ul li').all()).map((item) => item.getAttribute('data-reference')));
    expect(order).toEqual([rinaRequest, budiRequest]);

    // Too little to search by: said kindly, in words.
    await page.getByLabel('Nomor HP, email, atau ID akun').fill('08');
    await page.getByRole('button', { name: 'Cari', exact: true }).click();
    await expect.poll(() => page.locator('.dpo-search').getByRole('alert').textContent()).toBe('Tulis nomor HP, email, atau ID akun yang lengkap (minimal beberapa angka atau huruf).');
    expect(await search(page, '0000')).toContain('Tidak ada data tersimpan untuk "0000"');
    const found = await search(page, '+62 812-5555-1234');
    expect(found).toContain('1 orang ditemukan');
    expect(found).toContain('Rina Marlina');
    expect(found).toContain('+6281255551234');
    expect(found).toContain('1 tiket');
    expect(found).toContain(`Web chat: ${rina.sessionId}`);
    expect(await serious(page)).toEqual([]);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: screenshotPath('inbox-dpo-home-phone'), fullPage: true });

    await page.getByRole('link', { name: 'Rina Marlina' }).click();
    const tickets = page.locator('table.dpo-tickets');
    await tickets.waitFor();
    expect((await tickets.innerText()).replace(/\s+/g, ' ')).toMatch(new RegExp(`${number} .*Peran: pelapor.*Menunggu tanggapan.*Sampah`));
    const stored = (await page.locator('.dpo-counts').innerText()).replace(/\s+/g, ' ');
    expect(stored).toMatch(/1 tiket/);
    expect(stored).toMatch(/1 foto/);
    expect(await page.locator(`.dpo-person li[data-reference="${rinaRequest}"]`).count()).toBe(1);
    expect(await serious(page)).toEqual([]);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await page.context().close();
  });

  it('on a desktop: downloads the archive, corrects the name, erases behind HAPUS; the search then finds nobody', async () => {
    const page = await openInbox(browser, app.url, 1366, 900, DPO);
    expect(await search(page, '6281255551234')).toContain('1 orang ditemukan');
    await page.getByRole('link', { name: 'Rina Marlina' }).click();
    await page.locator('table.dpo-tickets').waitFor();
    expect(decodeURIComponent(await page.evaluate<string>('location.hash'))).toBe('#/data-pribadi/phone:+6281255551234');

    // The archive: a real download the browser names after the server's Content-Disposition.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Unduh arsip (ZIP)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^data-pribadi-.*\.zip$/);
    expect((await stat(await download.path())).size).toBeGreaterThan(100);

    // The correction: prefilled, a reason required, the count of tickets said; the ticket shows the new name.
    const correct = page.locator('section.dpo-action', { has: page.getByRole('heading', { name: 'Perbaiki identitas' }) });
    expect(await correct.getByLabel('Nama').inputValue()).toBe('Rina Marlina');
    await correct.getByLabel('Nama').fill('Rina Marlina Sari');
    await correct.getByLabel('Telepon').fill('0813-7777-2222');
    await correct.getByRole('button', { name: 'Simpan perbaikan' }).click();
    await expect.poll(() => correct.getByRole('alert').textContent()).toBe('Tulis alasannya dulu.');
    await correct.getByLabel('Alasan').fill('Warga meminta lewat web chat; nama sesuai KTP');
    await correct.getByRole('button', { name: 'Simpan perbaikan' }).dblclick();
    await expect.poll(() => correct.getByRole('status').textContent()).toBe('Tersimpan: 1 tiket diperbarui.');
    await expect.poll(() => page.locator('.dpo-person h1').textContent()).toBe('Rina Marlina Sari');
    // The page was named by the old phone: it follows the new one.
    expect(decodeURIComponent(await page.evaluate<string>('location.hash'))).toBe('#/data-pribadi/phone:081377772222');
    await expect.poll(() => page.locator('.dpo-person .pairs').first().innerText()).toContain('+6281377772222');
    // The form shows what is stored now, in the server's spelling.
    expect(await correct.getByLabel('Telepon').inputValue()).toBe('+6281377772222');
    await page.screenshot({ path: screenshotPath('inbox-dpo-person-desktop'), fullPage: true });
    await page.getByRole('link', { name: number }).click();
    await expect.poll(() => page.locator('article.ticket').innerText()).toContain('Rina Marlina Sari');
    expect(await page.locator('article.ticket').innerText()).toContain('+6281377772222');

    // The erasure: a danger dialog says what happens; nothing happens until HAPUS is typed; a double click acts once.
    await page.goBack();
    const erase = page.locator('section.dpo-erase');
    await erase.waitFor();
    await erase.getByLabel('Alasan').fill(`Permintaan warga ${rinaRequest}`);
    expect(await erase.locator('.dpo-closes').textContent()).toContain(rinaRequest);
    await erase.getByRole('button', { name: 'Hapus data pribadi…' }).click();
    const dialog = page.locator('dialog.confirm');
    await dialog.waitFor();
    const asked = await dialog.innerText();
    expect(asked).toContain('Hapus semua data pribadi Rina Marlina Sari dari 1 tiket');
    expect(asked).toContain('Foto: hapus foto.');
    expect(asked).toContain(`Permintaan ${rinaRequest} ditutup sebagai "dihapus"`);
    const confirm = dialog.getByRole('button', { name: 'Hapus data pribadi' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Ketik HAPUS untuk melanjutkan').fill('hapus');
    await page.screenshot({ path: screenshotPath('inbox-dpo-erase-confirm-desktop') });
    // Rina's web chat page is open (it long-polls): the goodbye reaches her before her account is erased.
    const told = until('the citizen told', async () => (await rina.poll(1)).some((m) => m.text.includes(`Permintaan Anda ${rinaRequest} sudah selesai`)), 30_000);
    await confirm.dblclick();
    const message = page.getByTestId('dpo-message');
    await expect.poll(() => message.textContent()).toMatch(/^Data pribadi sudah dihapus: 1 tiket, \d+ pesan, 1 foto, \d+ percakapan\.$/);
    await told;

    // Her page, opened again, says nothing is stored any more.
    await page.reload();
    await page.getByTestId('dpo-gone').waitFor();
    expect(await page.getByTestId('dpo-gone').textContent()).toBe('Tidak ada data pribadi tersimpan untuk orang ini (mungkin sudah dihapus).');
    await page.getByRole('link', { name: '← Permintaan dan pencarian' }).click();
    // The results from before the erasure are not shown again.
    await page.getByLabel('Nomor HP, email, atau ID akun').waitFor();
    expect(await page.locator('.dpo-results').count()).toBe(0);
    expect(await search(page, '081377772222')).toContain('Tidak ada data tersimpan');
    expect(await search(page, '081255551234')).toContain('Tidak ada data tersimpan');
    const done = page.locator('details.dpo-closed');
    await done.locator('summary').click();
    await expect.poll(async () => (await done.locator(`li[data-reference="${rinaRequest}"]`).innerText()).replace(/\s+/g, ' ')).toContain('Hasil Dihapus');

    // The audit trail says what the DPO did, in words, without whose phone number.
    await page.goto(`${app.url}/inbox/#/audit`);
    const erased = page.locator('td.detail[data-action="privacy_erase"]');
    await expect.poll(() => erased.first().textContent()).toMatch(/^Menghapus data pribadi satu orang \(\w+; foto dihapus\): 1 tiket, \d+ pesan, 1 foto, \d+ percakapan$/);
    // Each double click acted once.
    expect(await erased.count()).toBe(1);
    expect(await page.locator('td.detail[data-action="privacy_correct"]').count()).toBe(1);
    expect(await page.locator('td.detail[data-action="privacy_correct"]').first().textContent()).toMatch(/^Memperbaiki nama, telepon satu orang \(\w+\) di 1 tiket$/);
    expect(await page.locator('td.detail[data-action="privacy_export"]').first().textContent()).toMatch(/^Mengunduh arsip data pribadi satu orang \(\w+\): 1 tiket, \d+ pesan, \d+ foto$/);
    expect(await page.locator('td.detail[data-action="privacy_search"]').first().textContent()).toBe('Mencari data pribadi menurut nomor telepon (0 orang ditemukan)');
    expect(await page.locator('table.audit').innerText()).not.toMatch(/5555|Rina/);
    await page.context().close();
  });

  it('closes a request as refused with the reason, which the citizen reads on their channel', async () => {
    const page = await openInbox(browser, app.url, 360, 800, DPO);
    const item = page.getByTestId('dpo-requests').locator(`li[data-reference="${budiRequest}"]`);
    await item.getByRole('button', { name: `Tutup permintaan ${budiRequest}` }).click();
    await item.getByLabel('Hasil').selectOption({ label: 'Ditolak' });
    await item.getByRole('button', { name: 'Tutup permintaan' }).click();
    await expect.poll(() => item.getByRole('alert').textContent()).toBe('Tulis alasan penolakan; warga akan membacanya.');
    const reason = 'Akun ini tidak memiliki laporan; tidak ada data lain yang kami simpan.';
    await item.getByLabel('Catatan untuk warga').fill(reason);
    expect(await item.innerText()).toContain('Warga akan diberi tahu lewat Web chat, dalam bahasanya.');
    expect(await serious(page)).toEqual([]);
    await item.getByRole('button', { name: 'Tutup permintaan' }).click();
    await expect.poll(() => page.getByTestId('dpo-requests').getByRole('status').textContent()).toBe(`Permintaan ${budiRequest} ditutup (Ditolak); warga diberi tahu lewat Web chat.`);
    await expect.poll(() => page.getByTestId('dpo-requests').innerText()).toContain('Tidak ada permintaan yang menunggu.');
    expect(await page.getByTestId('dpo-requests').locator(':scope > ul').count()).toBe(0);
    await until('the citizen told', async () => (await budi.poll()).some((m) => m.text.includes(reason)), 20_000);

    // In English: the same page, the finished requests with their outcome in words.
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: "Citizens' personal data" }).waitFor();
    await page.locator('details.dpo-closed summary').click();
    const finished = (await page.locator('details.dpo-closed').innerText()).replace(/\s+/g, ' ');
    expect(finished).toContain('Done (2)');
    expect(finished).toContain(`${budiRequest} Erase data`);
    expect(finished).toContain(`Outcome Refused`);
    expect(finished).toContain(`Note ${reason}`);
    expect(finished).toContain('Outcome Erased');
    expect(finished).toContain('Citizen\'s account (erased)');
    await page.context().close();
  });
});
