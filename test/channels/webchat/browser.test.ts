// The web chat page in headless Chromium (Debian's chromium, driven by playwright-core) as citizens use
// it: on 360 and 412 px phones and on a desktop, by touch and by keyboard alone, with reloads in the
// middle of a report, a PDF chosen by mistake, and axe-core looking for what a screen reader would meet.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import { askConfirmation } from '../../../src/conversation/handlers/confirmation.js';
import { ticketModel } from '../../../src/storage/models/ticket.js';
import type { Ticket } from '../../../src/tickets/model.js';
import { startTestApp } from '../../support/app.js';
import { axeViolations, drawnPhoto, launchChromium, screenshotPath } from '../../support/chromium.js';
import { resolvedTicket } from '../../support/resolved.js';
import { useTestDatabase } from '../../support/database.js';

interface Size { readonly width: number; readonly height: number }
interface Box { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

const SMALL_PHONE: Size = { width: 360, height: 640 };
const LARGE_PHONE: Size = { width: 412, height: 915 };
const DESKTOP: Size = { width: 1366, height: 768 };
const BANDUNG = { latitude: -6.914744, longitude: 107.60981 };
const TICKET = /ADU-\d{4}-\d{5}/;

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let browser: Browser;
let photo: Buffer;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // Every test reports from the same pin (BANDUNG): without this, the second would be offered the first's ticket as
  // a nearby duplicate (tested in test/conversation/nearby-duplicates.test.ts).
  app = await startTestApp(db, (c) => { c.duplicates.enabled = false; });
  browser = await launchChromium();
  photo = await drawnPhoto(browser);
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});
afterAll(async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
});

/** A person opening the web chat: on a phone (touch, 2× pixels) unless the size is a desktop's. */
async function open(size: Size): Promise<Chat> {
  const phone = size.width < 600;
  const context = await browser.newContext({
    viewport: size,
    screen: size,
    ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    geolocation: BANDUNG,
    permissions: ['geolocation'],
  });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(app.url);
  return new Chat(page, size);
}

class Chat {
  constructor(readonly page: Page, readonly size: Size) {}

  /** Waits until the bot's messages include this one, and the page has laid it out. */
  async bot(text: string | RegExp): Promise<void> {
    await this.page.locator('.msg--bot', { hasText: text }).last().waitFor();
    await this.settled();
  }

  async type(text: string): Promise<void> {
    await this.page.fill('#text', text);
    await this.page.press('#text', 'Enter');
  }

  choice(name: string | RegExp) {
    return this.page.locator('#choices').getByRole('button', { name });
  }

  async choiceLabels(): Promise<string[]> {
    return this.page.locator('#choices button').allTextContents();
  }

  async sendPhoto(bytes: Buffer, name: string, mimeType = 'image/jpeg'): Promise<void> {
    await this.page.setInputFiles('#photo', { name, mimeType, buffer: bytes });
  }

  /** Images loaded (or replaced by their names) and two frames drawn: what a person would see now. */
  async settled(): Promise<void> {
    await this.page.waitForFunction('[...document.images].every((img) => img.complete)');
    await this.page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
  }

  /** The conversation as shown: who said what, each photo with the width it is shown at (0: broken). */
  async conversation(): Promise<string[]> {
    await this.settled();
    return this.page.evaluate<string[]>(`[...document.querySelectorAll('#messages > li')].map((li) =>
      li.className.replace('msg msg--', '') + ' ' + li.textContent + [...li.querySelectorAll('img')].map((img) => ' [photo ' + img.naturalWidth + ']').join(''))`);
  }

  async box(selector: string): Promise<Box> {
    const box = await this.page.locator(selector).boundingBox();
    if (!box) throw new Error(`${selector} is not shown`);
    return box;
  }

  /** What the point at the middle of the element hits, if it is not the element itself (something laid over it). */
  async coveredBy(selector: string): Promise<string | null> {
    return this.page.evaluate<string | null>(`(() => {
      const element = document.querySelector(${JSON.stringify(selector)});
      const r = element.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return element.contains(hit) ? null : hit ? hit.outerHTML.slice(0, 80) : 'nothing';
    })()`);
  }

  /**
   * Every control and the newest message inside the screen the device has (not innerWidth, which
   * grows with overflowing content in mobile emulation), nothing laid over them, nothing sideways.
   */
  async expectAllOnScreen(when: string): Promise<void> {
    await this.settled();
    const { width, height } = this.size;
    const inside = (b: Box, area: Box) => b.x >= area.x - 0.5 && b.y >= area.y - 0.5 && b.x + b.width <= area.x + area.width + 0.5 && b.y + b.height <= area.y + area.height + 0.5;
    const screen = { x: 0, y: 0, width, height };
    const onScreen = async (name: string, selector: string) => {
      const box = await this.box(selector);
      expect(inside(box, screen), `${when}: ${name} at ${JSON.stringify(box)} is outside ${String(width)}×${String(height)}`).toBe(true);
      expect(await this.coveredBy(selector), `${when}: something lies over ${name}`).toBeNull();
      return box;
    };
    for (const [name, selector] of Object.entries({ language: '#language', photo: '#photo-button', location: '#location', send: '#send' })) await onScreen(name, selector);
    const input = await onScreen('input', '#text');
    const newest = await onScreen('the newest message', '#messages > li:last-child');
    // Not under the answer buttons or the form: within the conversation's visible part.
    const log = await this.box('#log');
    expect(inside(newest, log), `${when}: the newest message ${JSON.stringify(newest)} is outside the visible conversation ${JSON.stringify(log)}`).toBe(true);
    const buttons = this.page.locator('#choices button');
    if (await buttons.count() > 0) {
      const choices = await this.box('#choices');
      expect(inside(choices, screen), `${when}: the answer buttons at ${JSON.stringify(choices)}`).toBe(true);
      expect(choices.y + choices.height, `${when}: the answer buttons reach into the form`).toBeLessThanOrEqual(input.y);
      for (const button of await buttons.all()) {
        const box = await button.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= width + 0.5, `${when}: an answer button at ${JSON.stringify(box)} is cut off`).toBe(true);
      }
    }
    const sideways = await this.page.evaluate<{ scrollX: number; offsetLeft: number; scrollWidth: number }>('({ scrollX: window.scrollX, offsetLeft: visualViewport.offsetLeft, scrollWidth: document.documentElement.scrollWidth })');
    expect(sideways, `${when}: the page moved sideways`).toEqual({ scrollX: 0, offsetLeft: 0, scrollWidth: width });
  }

  async expectNoSeriousAxeViolations(when: string): Promise<void> {
    const serious = (await axeViolations(this.page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious, `${when}: axe-core`).toEqual([]);
  }

  async focused(): Promise<string> {
    return this.page.evaluate<string>(`(() => { const e = document.activeElement; return e.id ? '#' + e.id : e.textContent.trim(); })()`);
  }
}

/** The ticket as the agency left it, with its result photo, asked about on the person's web chat. */
async function askIfSolved(number: string, sessionId: string): Promise<void> {
  const ticket = await ticketModel(db.connection).findById(number).lean<Ticket>();
  if (!ticket) throw new Error(`no ticket ${number}`);
  const result = await app.storage.attachments.saveImage({ bytes: photo, filename: 'hasil.jpg' });
  const resolved = { ...ticket, status: 'resolved', result: { text: 'Saluran di Jl. Braga sudah dibersihkan dari sampah dan lumpur; air kini mengalir lancar.', attachments: [result], at: new Date() } } as Ticket;
  await app.router.notify({ channel: 'webchat', channelUserId: sessionId }, askConfirmation(resolved, 'Dinas Pekerjaan Umum dan Penataan Ruang'));
}

describe('web chat page on a phone', () => {
  for (const size of [SMALL_PHONE, LARGE_PHONE]) {
    it(`keeps every control and the newest message on a ${String(size.width)}×${String(size.height)} screen, from the menu to "is it solved?"`, async () => {
      const chat = await open(size);
      await chat.bot('Silakan pilih layanan');
      await chat.expectAllOnScreen('the menu');
      // The buttons carry the numbers the prompts ask for ("Balas dengan angka 1, 2, atau 3").
      expect((await chat.choiceLabels()).every((label, i) => label.startsWith(`${String(i + 1)}. `))).toBe(true);
      await chat.choice(/^1\. Buat laporan/).click();
      await chat.bot('nama lengkap');
      await chat.page.focus('#text');
      await chat.expectAllOnScreen('the message field focused');
      await chat.type('Agus Salim');
      await chat.bot('nomor HP');
      await chat.type('0812 7777 8888');
      await chat.bot('alamat tempat tinggal');
      await chat.type('Jl. Braga No. 5, Bandung');
      await chat.bot('jenis masalah');
      const categories = await chat.choiceLabels();
      expect(categories.length).toBeGreaterThan(5);
      expect(categories.every((label, i) => label.startsWith(`${String(i + 1)}. `))).toBe(true);
      await chat.expectAllOnScreen('the category list');
      await chat.expectNoSeriousAxeViolations('the category list');
      if (size === SMALL_PHONE) await chat.page.screenshot({ path: screenshotPath('webchat-phone') });

      await chat.choice(/\. Drainase \/ banjir$/).click();
      await chat.bot('Ceritakan masalahnya');
      await chat.type('Genangan setinggi lutut setiap hujan karena selokan tersumbat.');
      await chat.bot('Kirim foto');
      await chat.sendPhoto(photo, 'genangan.jpg');
      await chat.bot(/foto diterima/i);
      await chat.expectAllOnScreen('a photo sent');
      await chat.type('selesai');
      await chat.bot('lokasi masalahnya');
      await chat.choice('Kirim lokasi saya').click();
      await chat.bot('sudah benar');
      expect(await chat.choiceLabels()).toEqual(['Ya', 'Tidak']);
      await chat.expectAllOnScreen('the summary');
      await chat.expectNoSeriousAxeViolations('the summary');
      await chat.choice('Ya').click();
      await chat.bot(TICKET);
      const number = TICKET.exec(await chat.page.locator('.msg--bot').last().textContent() ?? '')?.[0] ?? '';
      await chat.expectAllOnScreen('the ticket number');
      // The status link in the reply is a link a thumb can follow, to this ticket's public page.
      const link = chat.page.locator('.msg--bot').last().getByRole('link', { name: new RegExp(`/t/${number}\\?k=`) });
      expect(await link.getAttribute('target')).toBe('_blank');
      // The test's service has no PUBLIC_URL: the link names localhost; the same path and secret on this service.
      const href = new URL(await link.getAttribute('href') ?? '');
      const statusPage = await fetch(new URL(href.pathname + href.search, app.url));
      expect(await statusPage.text()).toContain(number);

      const sessionId = await chat.page.evaluate<string>("localStorage.getItem('aduan.webchat.session')");
      await askIfSolved(number, sessionId);
      await chat.bot('sudah selesai?');
      expect(await chat.choiceLabels()).toEqual(['Ya', 'Tidak']);
      await chat.expectAllOnScreen('"is it solved?"');
      await chat.expectNoSeriousAxeViolations('"is it solved?"');
      if (size === LARGE_PHONE) await chat.page.screenshot({ path: screenshotPath('webchat-phone-solved') });
    }, 60_000);
  }

  it('brings back both sides, the photo and the pending question with its buttons after a reload, and goes on from there', async () => {
    const chat = await open(SMALL_PHONE);
    await chat.bot('Silakan pilih layanan');
    await chat.choice(/^1\. Buat laporan/).click();
    await chat.bot('nama lengkap');
    await chat.type('Sri Wahyuni');
    await chat.bot('nomor HP');
    await chat.type('0813 2222 3333');
    await chat.bot('alamat tempat tinggal');
    await chat.type('Jl. Cihampelas No. 12, Bandung');
    await chat.bot('jenis masalah');
    const before = await chat.conversation();
    const categories = await chat.choiceLabels();

    await chat.page.reload();
    await chat.bot('jenis masalah');
    expect(await chat.conversation()).toEqual(before);
    expect(before.filter((m) => m.startsWith('me '))).toEqual(['me Anda: Buat laporan/pengaduan', 'me Anda: Sri Wahyuni', 'me Anda: 0813 2222 3333', 'me Anda: Jl. Cihampelas No. 12, Bandung']);
    expect(await chat.choiceLabels()).toEqual(categories);
    await chat.expectAllOnScreen('the category list after a reload');

    await chat.choice(/\. Drainase \/ banjir$/).click();
    await chat.bot('Ceritakan masalahnya');
    await chat.type('Selokan tersumbat sampah, air meluap ke jalan setiap sore.');
    await chat.bot('Kirim foto');
    await chat.sendPhoto(photo, 'selokan.jpg');
    await chat.bot(/foto diterima/i);
    await chat.type('selesai');
    await chat.bot('lokasi masalahnya');
    const atLocation = await chat.conversation();
    expect(atLocation).toContainEqual('me Anda:  [photo 640]');

    await chat.page.reload();
    await chat.bot('lokasi masalahnya');
    // The photo comes back from the server now (its own session only), as the same picture.
    expect(await chat.conversation()).toEqual(atLocation);
    expect(await chat.choiceLabels()).toEqual(['📍 Kirim lokasi saya']);
    await chat.choice('Kirim lokasi saya').click();
    await chat.bot('sudah benar');

    await chat.page.reload();
    await chat.bot('sudah benar');
    expect(await chat.choiceLabels()).toEqual(['Ya', 'Tidak']);
    await chat.choice('Ya').click();
    await chat.bot(TICKET);
    const conversation = await chat.conversation();
    const number = TICKET.exec(conversation.at(-1) ?? '')?.[0];
    expect(await ticketModel(db.connection).findById(number).lean()).toMatchObject({
      channel: 'webchat',
      category: 'drainase_banjir',
      reporter: { name: 'Sri Wahyuni', phone: '+6281322223333' },
      location: BANDUNG,
      attachments: [{ contentType: 'image/jpeg', size: photo.length }],
    });
    // Each question once, each answer once, in the order they were given.
    expect(conversation.filter((m) => m.startsWith('me '))).toEqual([
      'me Anda: Buat laporan/pengaduan', 'me Anda: Sri Wahyuni', 'me Anda: 0813 2222 3333', 'me Anda: Jl. Cihampelas No. 12, Bandung', 'me Anda: Drainase / banjir',
      'me Anda: Selokan tersumbat sampah, air meluap ke jalan setiap sore.', 'me Anda:  [photo 640]', 'me Anda: selesai', `me Anda: 📍 ${String(BANDUNG.latitude)}, ${String(BANDUNG.longitude)}`, 'me Anda: Ya',
    ]);
    expect(new Set(conversation).size).toBe(conversation.length);
  }, 60_000);

  it('speaks Indonesian first, English on request (the bot\'s ENGLISH command), and keeps it after a reload', async () => {
    const chat = await open(SMALL_PHONE);
    const { page } = chat;
    await chat.bot('Silakan pilih layanan');
    const texts = async () => ({
      lang: await page.getAttribute('html', 'lang'),
      send: await page.textContent('#send'),
      placeholder: await page.getAttribute('#text', 'placeholder'),
      photo: await page.getAttribute('#photo-button', 'aria-label'),
      switch: `${await page.textContent('#language') ?? ''} (${await page.getAttribute('#language', 'lang') ?? ''})`,
    });
    expect(await texts()).toEqual({ lang: 'id', send: 'Kirim', placeholder: 'Tulis pesan…', photo: 'Kirim foto', switch: 'English (en)' });
    await page.click('#language');
    await chat.bot('Language set to English');
    const english = { lang: 'en', send: 'Send', placeholder: 'Message…', photo: 'Send a photo', switch: 'Bahasa Indonesia (id)' };
    expect(await texts()).toEqual(english);
    await page.reload();
    await chat.bot('Language set to English');
    expect(await texts()).toEqual(english);
    await chat.expectNoSeriousAxeViolations('in English');
    await page.click('#language');
    await chat.bot('Bahasa Indonesia');
    expect((await texts()).lang).toBe('id');
  });

  it('after "Ya, sudah selesai" offers five answers to "how satisfied?", all on screen; a tap is stored and thanked', async () => {
    const chat = await open(LARGE_PHONE);
    // The menu the page opened with stays open: the "Ya" below answers the question all the same (confirmation.ts).
    await chat.bot('Silakan pilih layanan');
    const sessionId = await chat.page.evaluate<string>("localStorage.getItem('aduan.webchat.session')");
    const ticket = await resolvedTicket(app.tickets, 'webchat', sessionId);
    // The milestone of the result comes on its own: once it is in, nothing replaces the buttons of the question.
    await chat.bot('sudah menyampaikan hasil');
    await app.router.notify({ channel: 'webchat', channelUserId: sessionId }, askConfirmation(ticket, 'Dinas Pekerjaan Umum dan Penataan Ruang'));
    await chat.bot('sudah selesai?');
    await chat.choice('Ya').click();
    await chat.bot('seberapa puas');
    expect(await chat.choiceLabels()).toEqual(['1. Tidak puas', '2. Kurang puas', '3. Biasa saja', '4. Puas', '5. Sangat puas']);
    await chat.expectAllOnScreen('"how satisfied?"');
    await chat.expectNoSeriousAxeViolations('"how satisfied?"');
    await chat.page.screenshot({ path: screenshotPath('webchat-phone-rating') });
    await chat.choice('4. Puas').click();
    await chat.bot('(4/5)');
    expect(await chat.choiceLabels()).toEqual([]);
    expect((await ticketModel(db.connection).findById(ticket.number).lean())?.satisfaction).toMatchObject({ score: 4, by: 'reporter' });
  }, 60_000);

  it('refuses a file that is not a photo politely, without a broken image', async () => {
    const chat = await open(SMALL_PHONE);
    await chat.bot('Silakan pilih layanan');
    const posts: string[] = [];
    chat.page.on('request', (request) => { if (request.method() === 'POST') posts.push(request.postData() ?? ''); });

    await chat.sendPhoto(Buffer.from('%PDF-1.7 surat pengantar'), 'surat-pengantar.pdf', 'application/pdf');
    await expect.poll(() => chat.page.locator('#status').textContent()).toBe('Maaf, yang dapat dikirim hanya foto (JPG atau PNG). Berkas “surat-pengantar.pdf” tidak dikirim.');
    expect(await chat.page.locator('#messages img').count()).toBe(0);
    expect(await chat.page.locator('.msg--me').count()).toBe(0);
    expect(posts).toEqual([]);
    await chat.expectAllOnScreen('a PDF refused');

    // A file that says it is a JPEG but is not one: the server refuses it, and the page shows its name.
    await chat.sendPhoto(Buffer.from('not a photo at all, only words'), 'rusak.jpg');
    await chat.bot('bukan foto');
    const answered = (conversation: string[], sent: string) => {
      const at = conversation.indexOf(sent);
      return at >= 0 && conversation.slice(at + 1).some((m) => m.startsWith('bot ') && m.includes('bukan foto'));
    };
    expect(answered(await chat.conversation(), 'me Anda: 📎 rusak.jpg')).toBe(true);
    await chat.page.reload();
    await chat.bot('bukan foto');
    expect(answered(await chat.conversation(), 'me Anda: 📎 Berkas')).toBe(true);
    expect(await chat.page.locator('#messages img').count()).toBe(0);
  });
});

describe('web chat page by keyboard alone, on a desktop', () => {
  it('reaches every control in order, sends with Enter, keeps the focus where the next step is, and files a report', async () => {
    const chat = await open(DESKTOP);
    const { page } = chat;
    // Playwright turns file-chooser interception on asynchronously when a listener is added: on from the
    // start, or the key press can win that race and open a dialog nobody sees.
    page.on('filechooser', () => undefined);
    await chat.bot('Silakan pilih layanan');
    const menu = await chat.choiceLabels();
    const order: string[] = [];
    for (let i = 0; i < 5 + menu.length + 2; i++) {
      await page.keyboard.press('Tab');
      order.push(await chat.focused());
    }
    // Reading order: the language switch, the conversation (scrollable) with the link in its first message (the
    // privacy notice), the answers, then the form.
    expect(order).toEqual(['#language', '#log', 'https://kotacontoh.go.id/privasi-pengaduan', ...menu, '#photo-button', '#location', '#text', '#send']);

    // An answer chosen with the keyboard: the buttons go, the focus goes to the message field.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await chat.focused()).toBe(menu.at(-1));
    for (let i = 1; i < menu.length; i++) await page.keyboard.press('Shift+Tab');
    expect(await chat.focused()).toBe(menu[0]);
    await page.keyboard.press('Enter');
    await chat.bot('nama lengkap');
    expect(await chat.focused()).toBe('#text');
    for (const [answer, next] of [['Dewi Lestari', 'nomor HP'], ['0815 4444 5555', 'alamat tempat tinggal'], ['Jl. Dago No. 30, Bandung', 'jenis masalah']] as const) {
      await page.keyboard.type(answer);
      await page.keyboard.press('Enter');
      await chat.bot(next);
      expect(await chat.focused()).toBe('#text');
    }
    await chat.expectNoSeriousAxeViolations('the category list on a desktop');

    // Back from the message field to the fourth category: Shift+Tab past location, photo, then the list from its end.
    const categories = await chat.choiceLabels();
    for (let i = 0; i < 2 + categories.length - 3; i++) await page.keyboard.press('Shift+Tab');
    expect(await chat.focused()).toBe('4. Penerangan jalan umum');
    await page.keyboard.press('Space');
    await chat.bot('Ceritakan masalahnya');
    expect(await chat.focused()).toBe('#text');
    await page.keyboard.type('Lampu jalan di depan sekolah mati sejak seminggu.');
    // Kirim reached by Tab and pressed: sent, and the focus is back in the message field.
    await page.keyboard.press('Tab');
    expect(await chat.focused()).toBe('#send');
    await page.keyboard.press('Enter');
    await chat.bot('Kirim foto');
    expect(await chat.focused()).toBe('#text');

    // The photo button opens the file chooser from the keyboard.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await chat.focused()).toBe('#photo-button');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
    await chooser.setFiles({ name: 'lampu.jpg', mimeType: 'image/jpeg', buffer: photo });
    await chat.bot(/foto diterima/i);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await chat.focused()).toBe('#text');
    await page.keyboard.type('selesai');
    await page.keyboard.press('Enter');
    await chat.bot('lokasi masalahnya');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await chat.focused()).toBe('📍 Kirim lokasi saya');
    await page.keyboard.press('Enter');
    await chat.bot('sudah benar');
    // The button pressed was replaced by the summary's: the focus is on the first of them.
    expect(await chat.focused()).toBe('Ya');
    await chat.expectNoSeriousAxeViolations('the summary on a desktop');
    await page.keyboard.press('Enter');
    await chat.bot(TICKET);
    expect(await chat.focused()).toBe('#text');
    await chat.expectAllOnScreen('the ticket number on a desktop');
    await page.screenshot({ path: screenshotPath('webchat') });
  }, 60_000);
});

describe('web chat page assets', () => {
  it('has a favicon, served as an image', async () => {
    const chat = await open(SMALL_PHONE);
    const icons = await chat.page.evaluate<string[]>(`[...document.querySelectorAll('link[rel~="icon"], link[rel="apple-touch-icon"]')].map((link) => link.href)`);
    expect(icons.length).toBeGreaterThanOrEqual(2);
    for (const url of [...icons, `${app.url}/favicon.ico`]) {
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type'), url).toMatch(/^image\//);
    }
  });
});
