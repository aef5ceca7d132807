// The inbox in headless Chromium (Debian's chromium, driven by playwright-core):
// a central operator logs in, finds a web chat report, replies, and sees the
// citizen's answer arrive live; an agency operator sees only its agency's
// tickets. Screenshots for the README are saved on the way.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { launchChromium, screenshotPath } from '../support/chromium.js';
import { useTestDatabase } from '../support/database.js';
import { fakeJpeg } from '../support/images.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';
import { WebchatCitizen } from '../support/webchat.js';

const db = useTestDatabase(import.meta.filename);
const screenshot = (name: string) => screenshotPath(`inbox-${name}`);
let app: RunningApplication;
let browser: Browser;
let citizen: WebchatCitizen;
let road: string;
let rubbish: string;

beforeAll(async () => {
  app = await startInboxApp(db);
  await addOperators(await OperatorSession.login(app.url, ADMIN.username, ADMIN.password));
  citizen = new WebchatCitizen(app.url);
  await citizen.say('halo');
  for (const answer of ['1', 'Agus Salim', '0812 7777 8888', 'Jl. Braga No. 5, Bandung', 'Jalan rusak', 'Jalan berlubang dalam di depan Gedung Merdeka, sudah dua motor jatuh.']) await citizen.say(answer);
  await citizen.photo(fakeJpeg(20_000, 3), 'lubang.jpg');
  await citizen.poll();
  await citizen.say('selesai');
  await citizen.post({ location: { latitude: -6.921151, longitude: 107.610489 } });
  await citizen.poll();
  road = /ADU-\d{4}-\d{5}/.exec(await citizen.say('Ya'))?.[0] ?? '';
  rubbish = await new WebchatCitizen(app.url).report({ name: 'Wati', phone: '081355556666', address: 'Jl. Kenanga 2', category: 'Sampah', description: 'Sampah menumpuk di TPS Kenanga sejak Senin' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
});

async function logIn(page: Page, username: string, password: string): Promise<void> {
  page.setDefaultTimeout(15_000);
  await page.goto(`${app.url}/inbox/`);
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.locator('table.tickets, p.empty').first().waitFor(); // the list, or its "no tickets"
}

describe('operator inbox in the browser', () => {
  it('lets a central operator find a ticket, reply, and see the citizen\'s answer arrive live', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/inbox/`);
    await page.getByRole('button', { name: 'Masuk' }).waitFor();
    await page.screenshot({ path: screenshot('login') });
    await page.getByLabel('Nama pengguna').fill(ADMIN.username);
    await page.getByLabel('Kata sandi').fill('bukan-kata-sandinya');
    await page.getByRole('button', { name: 'Masuk' }).click();
    // One language at a time, not "… / Wrong username or password.".
    expect(await page.getByRole('alert').textContent()).toBe('Nama pengguna atau kata sandi salah.');
    await logIn(page, ADMIN.username, ADMIN.password);
    await expect.poll(() => page.locator('table.tickets tbody tr').count()).toBe(2);
    // Deadlines in sight: in colour and in words. The rubbish report has 2 of its 24 hours left.
    const now = Date.now();
    await db.connection.collection('tickets').updateOne({ _id: rubbish as never }, { $set: { 'deadline.start': new Date(now - 22 * 3_600_000), 'deadline.at': new Date(now + 2 * 3_600_000) } });
    await page.reload();
    const rubbishRow = page.locator('table.tickets tbody tr', { hasText: rubbish });
    expect(await rubbishRow.locator('.deadline').textContent()).toBe('Hampir habis: sisa 2 jam');
    expect(await rubbishRow.locator('.deadline').getAttribute('class')).toContain('dl-due_soon');
    expect(await page.locator('table.tickets tbody tr', { hasText: road }).locator('.deadline').textContent()).toMatch(/^Sisa 2[34] jam$/);
    await page.getByLabel('Urutkan').selectOption('deadline');
    await expect.poll(() => page.locator('table.tickets tbody tr td:first-child a').first().textContent()).toBe(rubbish);
    await page.screenshot({ path: screenshot('list') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshot('list-phone'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByLabel('Urutkan').selectOption('newest');

    await page.getByLabel('Cari nomor, nama, telepon').fill('Gedung Merdeka');
    await page.getByLabel('Cari nomor, nama, telepon').press('Enter');
    await expect.poll(() => page.locator('table.tickets tbody tr').count()).toBe(1);
    await page.getByRole('link', { name: road }).click();
    await page.getByRole('heading', { name: road }).waitFor();
    expect(await page.locator('.coords').first().textContent()).toBe('-6.921151, 107.610489');
    expect(await page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Pelapor', exact: true }) }).locator('.photos img').count()).toBe(1);
    expect(await page.locator('.thread .photos img').count()).toBe(1);
    expect(await page.locator('.thread').textContent()).toContain('Jalan berlubang dalam');

    await page.getByLabel('Jawaban siap pakai…').selectOption('received');
    expect(await page.locator('textarea[name=reply]').inputValue()).toBe(`Terima kasih Agus Salim, laporan ${road} sudah kami terima dan sedang kami teruskan ke instansi terkait.`);
    await page.locator('textarea[name=reply]').fill('Pak Agus, apakah lubangnya di lajur kiri atau kanan?');
    await page.getByRole('button', { name: 'Kirim', exact: true }).click();
    await page.locator('.msg--operator', { hasText: 'lajur kiri atau kanan' }).waitFor();
    expect(await page.locator('.msg--operator .delivery').last().textContent()).toContain('terkirim');

    const [toCitizen] = await citizen.poll();
    expect(toCitizen?.text).toContain('apakah lubangnya di lajur kiri atau kanan?');
    await citizen.say('Lajur kiri, dekat halte');
    // No reload: the answer comes over the event stream.
    await page.locator('.msg--in', { hasText: 'Lajur kiri, dekat halte' }).waitFor({ timeout: 10_000 });
    // Words, not codes: the history says who did what, and a refusal says what to do, in the operator's language.
    expect(await page.locator('.history li').first().textContent()).toContain('Dibuat oleh pelapor, untuk Dinas Pekerjaan Umum dan Penataan Ruang');
    expect(await page.locator('header .who').textContent()).toContain('Administrator · Admin Pusat');
    await page.screenshot({ path: screenshot('ticket'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshot('ticket-phone'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: 'Tolak', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Tulis alasannya di "Catatan / alasan" dulu, lalu tekan "Tolak" lagi.' }).waitFor();
    // The ticket's own agency is not offered as a transfer target.
    const targets = await page.getByLabel('Alihkan ke OPD').locator('option').allTextContents();
    expect(targets.some((o) => o.startsWith('DPUPR'))).toBe(false);
    expect(targets.some((o) => o.startsWith('DISHUB'))).toBe(true);
    // A double click adds one note.
    await page.getByLabel('Tambah catatan').fill('Warga sudah dihubungi');
    await page.getByRole('button', { name: 'Tambah catatan' }).dblclick();
    await page.locator('.notes li', { hasText: 'Warga sudah dihubungi' }).waitFor();
    await page.waitForTimeout(300);
    expect(await page.locator('.notes li', { hasText: 'Warga sudah dihubungi' }).count()).toBe(1);
    await expect.poll(() => page.getByLabel('Tambah catatan').inputValue()).toBe('');

    await page.getByRole('link', { name: 'Dasbor' }).click();
    await page.locator('svg.chart').waitFor();
    await page.screenshot({ path: screenshot('dashboard') });
    await page.getByRole('link', { name: 'Pengaduan baru' }).click();
    await page.locator('input[name=name]').fill('Ibu Lastri');
    await page.locator('input[name=phone]').fill('0813 2222 1111');
    await page.locator('select[name=category]').selectOption('adminduk');
    await page.locator('textarea[name=description]').fill('KK belum jadi setelah 30 hari.');
    await page.screenshot({ path: screenshot('new') });
    await page.getByRole('button', { name: 'Simpan' }).click();
    await page.getByRole('link', { name: 'Buka tiket' }).click();
    await page.getByText('Dinas Kependudukan', { exact: false }).or(page.getByText('DISDUKCAPIL')).first().waitFor();
    expect(page.url()).toMatch(/#\/t\/ADU-\d{4}-\d{5}$/);

    // Reject asks first: cancelled, nothing happens; confirmed, the ticket is rejected and the reason box cleared.
    await page.getByLabel('Catatan / alasan').fill('Sudah dilaporkan lewat loket kelurahan');
    await page.getByRole('button', { name: 'Tolak', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Alasan: “Sudah dilaporkan lewat loket kelurahan”');
    await page.screenshot({ path: screenshot('confirm') });
    await dialog.getByRole('button', { name: 'Batal' }).click();
    expect(await page.locator('h1 .status').textContent()).toBe('Menunggu tanggapan');
    await page.getByRole('button', { name: 'Tolak', exact: true }).click();
    await dialog.getByRole('button', { name: 'Tolak' }).click();
    await page.locator('h1 .status', { hasText: 'Ditolak' }).waitFor();
    expect(await page.getByLabel('Catatan / alasan').count()).toBe(0); // no actions are left on a rejected ticket
    expect(await page.locator('.history li').last().textContent()).toContain('Ditolak oleh Administrator (Admin Pusat)');
    await context.close();
  });

  it('shows an agency operator only its agency\'s tickets, and switches to English', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await logIn(page, 'dpupr.budi', 'password-dpupr-1');
    await expect.poll(() => page.locator('table.tickets tbody tr').count()).toBe(1);
    expect(await page.locator('table.tickets').textContent()).toContain(road);
    expect(await page.locator('table.tickets').textContent()).not.toContain(rubbish);
    expect(await page.getByRole('link', { name: 'Pengaduan baru' }).count()).toBe(0);
    await page.screenshot({ path: screenshot('agency') });
    await page.getByRole('button', { name: 'Milik saya' }).click();
    await page.locator('p.empty').waitFor();
    await page.getByRole('button', { name: 'OPD saya' }).click();
    await page.getByRole('link', { name: road }).click();
    // Owners: Budi takes the ticket; it is his in the list's "Milik saya".
    expect(await page.locator('.owner-name').textContent()).toBe('belum ada (belum diambil)');
    await page.getByRole('button', { name: 'Ambil', exact: true }).click();
    await page.locator('.owner-name', { hasText: 'Budi (DPUPR) (Operator DPUPR)' }).waitFor();
    await page.getByRole('link', { name: '← Kembali' }).click();
    await page.getByRole('button', { name: 'Milik saya' }).click();
    await expect.poll(() => page.locator('table.tickets tbody tr').count()).toBe(1);
    expect(await page.locator('table.tickets tbody tr td.owner-cell').textContent()).toBe('Budi (DPUPR)');
    await page.screenshot({ path: screenshot('agency-mine') });
    await page.getByRole('link', { name: road }).click();
    await page.getByRole('button', { name: 'Tanggapi (mulai tindak lanjut)' }).click();
    await page.locator('.status', { hasText: 'Sedang ditindaklanjuti' }).first().waitFor();
    // The result form is empty again once the result is in: nothing invites sending it twice.
    await page.getByLabel('Hasil tindak lanjut').fill('Lubang sudah ditambal.');
    await page.getByLabel('Foto hasil (boleh lebih dari satu)').setInputFiles({ name: 'sesudah.jpg', mimeType: 'image/jpeg', buffer: fakeJpeg(12_000, 5) });
    await page.getByRole('button', { name: 'Kirim hasil' }).click();
    await page.locator('.card', { hasText: 'Hasil dari OPD' }).waitFor();
    // The card can arrive through the event stream before the POST's answer clears the form: wait for both.
    await expect.poll(() => page.getByLabel('Hasil tindak lanjut').inputValue()).toBe('');
    await expect.poll(() => page.getByLabel('Foto hasil (boleh lebih dari satu)').inputValue()).toBe('');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Submit result' }).waitFor();
    expect(await page.locator('.history li').nth(1).textContent()).toContain('Taken up by Budi (DPUPR) (DPUPR operator); follow-up started');
    await page.goto(`${app.url}/inbox/#/t/${rubbish}`);
    await page.locator('.error').waitFor();
    expect(await page.locator('.error').textContent()).toBe('Ticket not found.');
    await context.close();
  });

  it('lets the admin add and disable an operator, read the audit trail and the configuration; the operator changes their password', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await logIn(page, ADMIN.username, ADMIN.password);
    await page.getByRole('link', { name: 'Operator', exact: true }).click();
    const form = page.locator('form', { hasText: 'Tambah operator' });
    await form.getByLabel('Nama pengguna').fill('dishub.rina');
    await form.getByLabel('Nama', { exact: true }).fill('Rina (Dishub)');
    await form.locator('select[name=role]').selectOption('agency');
    await form.locator('select[name=agency]').selectOption('DISHUB');
    await form.getByLabel('Kata sandi').fill('rina-dishub-2026');
    await form.getByRole('button', { name: 'Tambah operator' }).click();
    await page.getByRole('status').filter({ hasText: 'dishub.rina' }).waitFor();
    const row = page.locator('table.operators tr', { hasText: 'dishub.rina' });
    expect(await row.textContent()).toContain('Operator OPD');
    expect(await row.textContent()).toContain('DISHUB');
    const kabid = page.locator('table.operators tr', { hasText: 'kabid' });
    await kabid.getByRole('button', { name: 'Nonaktifkan' }).click();
    await kabid.getByRole('button', { name: 'Aktifkan' }).waitFor();
    expect(await kabid.textContent()).toContain('Nonaktif');
    await page.screenshot({ path: screenshot('operators') });
    expect((await new OperatorSession(app.url).login('kabid', 'password-kabid-1')).status).toBe(401);
    await kabid.getByRole('button', { name: 'Aktifkan' }).click();
    await kabid.getByRole('button', { name: 'Nonaktifkan' }).waitFor();

    await page.getByRole('link', { name: 'Jejak audit' }).click();
    await page.locator('table.audit', { hasText: 'Menonaktifkan Kabid Pengaduan (Pimpinan)' }).waitFor();
    expect(await page.locator('table.audit tr', { hasText: 'Menambah operator Rina (Dishub) (Operator DISHUB) sebagai Operator OPD Dinas Perhubungan' }).count()).toBe(1);
    expect(await page.locator('table.audit').textContent()).not.toMatch(/user_add|operator:admin/);
    await page.screenshot({ path: screenshot('audit') });
    await page.getByLabel('Nomor tiket').fill(road);
    await page.getByLabel('Nomor tiket').press('Enter');
    await expect.poll(() => page.locator('table.audit td[data-action=user_add]').count()).toBe(0);
    const tickets = await page.locator('table.audit tbody tr td:nth-child(4)').allTextContents();
    expect(tickets.length).toBeGreaterThan(0);
    expect(new Set(tickets)).toEqual(new Set([road]));

    await page.getByRole('link', { name: 'Konfigurasi' }).click();
    await page.locator('.settings table').first().filter({ hasText: 'pengaduan.dpupr@kotacontoh.go.id' }).waitFor();
    expect(await page.locator('.pairs').first().textContent()).toContain('firstResponse24h');
    await page.screenshot({ path: screenshot('settings'), fullPage: true });
    await context.close();

    // The new operator logs in, changes the password the admin gave them, and only the new one works.
    const own = await browser.newContext({ viewport: { width: 1280, height: 700 } });
    const rina = await own.newPage();
    await logIn(rina, 'dishub.rina', 'rina-dishub-2026');
    expect(await rina.getByRole('link', { name: 'Operator', exact: true }).count()).toBe(0);
    await rina.getByRole('link', { name: /Rina \(Dishub\)/ }).click();
    await rina.getByLabel('Kata sandi saat ini').fill('rina-dishub-2026');
    await rina.getByLabel('Kata sandi baru', { exact: true }).fill('sandi-rina-sendiri');
    await rina.getByLabel('Ulangi kata sandi baru').fill('sandi-rina-sendiri');
    await rina.getByRole('button', { name: 'Ganti kata sandi' }).click();
    await rina.getByRole('status').filter({ hasText: 'Kata sandi sudah diganti.' }).waitFor();
    await rina.screenshot({ path: screenshot('account') });
    expect((await new OperatorSession(app.url).login('dishub.rina', 'rina-dishub-2026')).status).toBe(401);
    expect((await new OperatorSession(app.url).login('dishub.rina', 'sandi-rina-sendiri')).status).toBe(200);
    await own.close();
  });
});
