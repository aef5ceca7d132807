// Chaos: a burst of citizens reporting on Telegram (long polling) and the
// WhatsApp Cloud API (signed webhooks) at once, while the Bot API and Graph
// API stand-ins inject faults (429 with retry_after / Cloud API rate-limit
// codes, 500s, dropped connections, slow responses) and the service — a real
// child process — is killed with SIGKILL at random moments several times and
// restarted. When it settles, what people and agencies received is checked:
// every citizen got exactly the replies one fault-free processing gives, in
// order; every report made one ticket; every agency notice, SLA reminder and
// escalation went out once. A send in flight at a kill may reach the platform
// and be repeated after the restart (no platform takes an idempotency key);
// such repeats are counted, and bounded (see `inFlightAtKills`).
//
// Reproduce a run with CHAOS_SEED=<the printed seed>. The service's logs of
// every run are kept under the printed directory.
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageModel } from '../../src/storage/models/message.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { AppProcess, freePort } from '../support/app-process.js';
import { FakeBotApi } from '../support/bot-api.js';
import { useTestDatabase } from '../support/database.js';
import { type Fault, seededRandom, sleep } from '../support/faults.js';
import { FakeGraphApi, type GraphCall } from '../support/graph-api.js';
import { fakeJpeg } from '../support/images.js';
import { SmtpSink } from '../support/smtp-sink.js';

const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CITIZENS_PER_CHANNEL = 24;
/** Citizens who have not finished by then are stuck: what they lack is reported as lost. */
const CONVERSATIONS_WITHIN_MS = 110_000;
const FIRST_RESPONSE_S = 10;
const SECRET = 'chaos-app-secret';
const TICKET = /ADU-\d{4}-\d{5}/g;
/** A send that reaches the Bot API this soon after its 429 left may have been under way already. */
const FLOOD_GRACE_MS = 250;

const db = useTestDatabase(import.meta.filename);
const api = new FakeBotApi();
const graph = new FakeGraphApi();
const smtp = new SmtpSink();
const logDir = mkdtempSync(join(tmpdir(), `aduan-chaos-${String(SEED)}-`));
const apps: AppProcess[] = [];

beforeAll(async () => {
  await Promise.all([api.start(), graph.start(), smtp.start()]);
});
afterAll(async () => {
  for (const app of apps) app.kill('SIGKILL');
  await Promise.all(apps.map((a) => a.exited));
  await Promise.all([api.stop(), graph.stop(), smtp.stop()]);
});

// ---------------------------------------------------------------- citizens

type Channel = 'telegram' | 'whatsapp';
type Say =
  | { readonly text: string }
  | { readonly button: { readonly id: string; readonly title: string } }
  | { readonly contact: string }
  | { readonly location: { readonly latitude: number; readonly longitude: number } }
  | { readonly photo: true };

interface Step {
  /** Sent one right after another, without waiting for a reply. */
  readonly say: readonly Say[];
  /** WhatsApp: all of `say` in one webhook, as Meta batches messages. */
  readonly batched?: boolean;
  /** A text in the reply that asks the next question. */
  readonly until: string;
}

type Variant = 'steady' | 'burst' | 'split';
const VARIANTS: readonly Variant[] = ['steady', 'burst', 'split'];

const REPORT = { id: 'report', title: 'Buat laporan/pengaduan' };
const YES = { id: 'yes', title: 'Ya' };
const PIN = { latitude: -8.6705, longitude: 115.2126 };

/** The answers a person gives, step by step; `steady` answers each question, the others send several messages at once. */
function script(channel: Channel, variant: Variant): Step[] {
  const telegram = channel === 'telegram';
  switch (variant) {
    case 'steady':
      return [
        { say: [{ text: 'halo' }], until: 'Silakan pilih layanan' },
        { say: [{ button: REPORT }], until: 'nama lengkap' },
        ...(telegram
          ? [{ say: [{ text: 'Komang Ayu Lestari' }], until: 'nomor HP' }, { say: [{ contact: '6281234500001' }], until: 'alamat' }]
          : [{ say: [{ text: 'Komang Ayu Lestari' }], until: 'alamat' }]),
        { say: [{ text: 'Jl. Gatot Subroto 12, Denpasar' }], until: 'jenis masalah' },
        { say: [{ text: '1' }], until: 'Ceritakan' },
        { say: [{ text: 'Jalan amblas di depan pasar, berbahaya bagi motor sejak dua minggu.' }], until: 'Kirim foto' },
        { say: [{ photo: true }], until: 'Foto diterima (1/5)' },
        { say: [{ text: 'selesai' }], until: 'lokasi' },
        { say: [{ location: PIN }], until: 'siap dikirim' },
        { say: [{ button: YES }], until: 'nomor tiket' },
      ];
    case 'burst':
      return [
        { say: [{ text: 'halo' }, { text: '1' }], batched: true, until: 'nama lengkap' },
        { say: [{ text: 'Made Wirawan' }, ...(telegram ? [{ text: '081355551234' }] : []), { text: 'Jl. Teuku Umar 88, Denpasar' }], until: 'jenis masalah' },
        { say: [{ text: 'sampah' }, { text: 'Sampah menumpuk di TPS Jl. Kamboja sejak seminggu, baunya menyengat.' }], batched: true, until: 'Kirim foto' },
        { say: [{ text: 'SELESAI' }], until: 'lokasi' },
        { say: [{ text: 'TPS Jl. Kamboja, dekat Pasar Kreneng, Denpasar' }], until: 'siap dikirim' },
        { say: [{ text: 'ya' }], until: 'nomor tiket' },
      ];
    case 'split':
      return [
        { say: [{ text: 'Selamat siang' }], until: 'Silakan pilih layanan' },
        { say: [{ text: '1' }], until: 'nama lengkap' },
        ...(telegram
          ? [{ say: [{ text: 'Ni Luh Sari' }], until: 'nomor HP' }, { say: [{ text: '0812 3456 7890' }], until: 'alamat' }]
          : [{ say: [{ text: 'Ni Luh Sari' }], until: 'alamat' }]),
        { say: [{ text: 'Jl. Hayam Wuruk 5, Denpasar' }], until: 'jenis masalah' },
        { say: [{ text: '4' }], until: 'Ceritakan' },
        // The story in two quick messages: the second joins the description (no reply of its own).
        { say: [{ text: 'Lampu jalan di gang kami mati.' }, { text: 'Sudah tiga malam gelap.' }], until: 'Kirim foto' },
        { say: [{ photo: true }, { text: 'selesai' }], until: 'lokasi' },
        { say: [{ location: PIN }], until: 'siap dikirim' },
        { say: [{ button: YES }], until: 'nomor tiket' },
      ];
  }
}

interface Citizen {
  readonly channel: Channel;
  /** Telegram chat id, or WhatsApp wa_id. */
  readonly id: string;
  readonly variant: Variant;
  /** Probes run first, without faults or kills: their replies are what one processing gives. */
  readonly probe: boolean;
  readonly script: readonly Step[];
  /** Distinct messages sent. */
  sent: number;
  /** Steps completed. */
  steps: number;
  done: boolean;
  stuck?: string;
}

const key = (channel: Channel, id: string) => `${channel}:${id}`;

function citizen(channel: Channel, index: number, variant: Variant, probe: boolean): Citizen {
  const id = channel === 'telegram' ? String((probe ? 690_000 : 700_000) + index) : `62813${String((probe ? 9_000_000 : 7_000_000) + index)}`;
  return { channel, id, variant, probe, script: script(channel, variant), sent: 0, steps: 0, done: false };
}

/** What a citizen's chat shows, with their ticket number and own phone number as placeholders. */
function normalise(c: Citizen, text: string): string {
  const own = c.channel === 'whatsapp' ? c.id.slice(2) : undefined;
  // Each ticket's status link has its own secret (`?k=…`): the same text for every citizen once it is a placeholder.
  const numbered = text.replace(TICKET, '{tiket}').replace(/\?k=[\w-]+/g, '?k={kunci}');
  return own ? numbered.replaceAll(own, '{hp}') : numbered;
}

// ---------------------------------------------------------------- what the peers received

/** Lines for the CI log: the seed, the figures, and on failure the evidence. */
function report(text: string): void {
  // eslint-disable-next-line no-console -- the figures belong in the test output (README, "Chaos test")
  console.log(text);
}

interface Received {
  readonly text: string;
  readonly at: number;
}

class Chats {
  private telegramSeen = 0;
  private whatsappSeen = 0;
  private readonly byChat = new Map<string, Received[]>();

  of(c: Citizen): Received[] {
    this.refresh();
    return this.byChat.get(key(c.channel, c.id)) ?? [];
  }

  get total(): number {
    this.refresh();
    return [...this.byChat.values()].reduce((n, list) => n + list.length, 0);
  }

  private refresh(): void {
    for (; this.telegramSeen < api.sent.length; this.telegramSeen++) {
      const m = api.sent[this.telegramSeen];
      if (m?.text !== undefined) this.add(key('telegram', m.chatId), { text: m.text, at: m.at ?? 0 });
    }
    for (; this.whatsappSeen < graph.sent.length; this.whatsappSeen++) {
      const m = graph.sent[this.whatsappSeen] ?? {};
      const text = (m.text as { body?: string } | undefined)?.body ?? (m.interactive as { body?: { text?: string } } | undefined)?.body?.text ?? '';
      this.add(key('whatsapp', String(m.to)), { text, at: graph.sentAt[this.whatsappSeen] ?? 0 });
    }
  }

  private add(chat: string, received: Received): void {
    const list = this.byChat.get(chat) ?? [];
    list.push(received);
    this.byChat.set(chat, list);
  }
}

// ---------------------------------------------------------------- the run

interface Kill {
  readonly at: number;
  readonly generation: number;
  readonly sinceSpawnMs: number;
  readonly sinceListeningMs: number | undefined;
  /** Outbox entries claimed for sending when the process died. */
  readonly inFlight: readonly string[];
  /** Mail notices claimed for sending when the process died. */
  readonly mailsInFlight: readonly string[];
}

interface Figures {
  webhookPosts: number;
  webhookRedeliveries: number;
  webhookDuplicatesOnPurpose: number;
  telegramUpdates: number;
  faults: Record<string, number>;
}

describe('chaos', () => {
  it('keeps every conversation whole through faults and SIGKILLs', { timeout: 200_000 }, async () => {
    const t0 = Date.now();
    const since = (at: number) => `${((at - t0) / 1_000).toFixed(2)}s`;
    report(`chaos: seed ${String(SEED)} (CHAOS_SEED=${String(SEED)} repeats it); service logs in ${logDir}`);
    const killRandom = seededRandom(SEED);
    const faultRandom = seededRandom(SEED ^ 0x5bd1e995);
    const driveRandom = seededRandom(SEED ^ 0x27d4eb2f);
    const between = (random: () => number, low: number, high: number) => low + random() * (high - low);
    const figures: Figures = { webhookPosts: 0, webhookRedeliveries: 0, webhookDuplicatesOnPurpose: 0, telegramUpdates: 0, faults: {} };
    const chats = new Chats();

    // --- the service, restarted after every kill on the same port and database
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${String(port)}`;
    const configFile = join(logDir, 'kota.yaml');
    writeFileSync(
      configFile,
      [
        // singleton: the Telegram poller's lease; a killed process's blocks the restarted one this long.
        'leases: { conversation: 3s, outboxClaim: 3s, job: 3s, singleton: 3s }',
        'outbox: { retryBase: 300ms, retryMax: 5s, maxAttempts: 30 }',
        `sla: { firstResponse: ${String(FIRST_RESPONSE_S)}s, firstResponseReminderRatio: 0.75 }`,
        'schedules:',
        '  outboxRetry: "*/1 * * * * *"',
        '  conversationExpiry: "*/2 * * * * *"',
        '  slaSweep: "*/1 * * * * *"',
        '  agencyNotice: "*/1 * * * * *"',
        // Every citizen pins the same spot (PIN): each should open a ticket, not be offered the first one's.
        'duplicates: { enabled: false }',
        '',
      ].join('\n'),
    );
    const env = {
      MONGODB_URI: `${db.uri.replace(/\/?$/, '/')}${db.name}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CONFIG_FILE: configFile,
      DATA_DIR: logDir,
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.url,
      WHATSAPP_CLOUD_TOKEN: graph.token,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: graph.phoneNumberId,
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'chaos-verify',
      WHATSAPP_CLOUD_APP_SECRET: SECRET,
      WHATSAPP_CLOUD_API_ROOT: graph.url,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'aduan@kotacontoh.go.id',
    };
    const spawnApp = () => {
      const app = new AppProcess(env);
      apps.push(app);
      return app;
    };
    const saveLogs = () => {
      apps.forEach((app, i) => { writeFileSync(join(logDir, `app-${String(i)}.log`), `${app.output()}\n`); });
    };

    // --- faults, decided per call by the peers
    let chaos = false;
    const inject = (label: string, fault: Fault): Fault => {
      figures.faults[label] = (figures.faults[label] ?? 0) + 1;
      return fault;
    };
    const slow = (): Fault => ({ kind: 'slow', ms: Math.round(between(faultRandom, 1_000, 3_000)) });
    api.floodControl = true;
    /** Every send the peers saw, with what they did to it: the evidence when a chat goes wrong. */
    const calls: { at: number; chat: string; text: string; outcome: string }[] = [];
    const tracing = (chat: string, text: string, fault: Fault | undefined): Fault | undefined => {
      calls.push({ at: Date.now(), chat, text, outcome: fault === undefined ? 'taken' : fault.kind === 'status' ? `refused ${String(fault.status)}` : fault.kind === 'slow' ? `taken, answered after ${String(fault.ms)} ms` : 'connection dropped' });
      return fault;
    };
    const telegramFault = (method: string): Fault | undefined => {
      const r = faultRandom();
      if (method === 'sendMessage' || method === 'sendPhoto') {
        if (r < 0.02) return inject('429', { kind: 'status', status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } } });
        if (r < 0.06) return inject('500', { kind: 'status', status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } });
        if (r < 0.09) return inject('drop', { kind: 'drop' });
        if (r < 0.14) return inject('slow', slow());
      } else if (method === 'getFile') {
        // A photo's file: the same rates as a send, less the 429.
        if (r < 0.04) return inject('500', { kind: 'status', status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } });
        if (r < 0.07) return inject('drop', { kind: 'drop' });
        if (r < 0.12) return inject('slow', slow());
      } else if (method === 'getUpdates') {
        if (r < 0.03) return inject('drop', { kind: 'drop' });
        if (r < 0.06) return inject('slow', slow());
      }
      return undefined;
    };
    api.faults = (method, params) => {
      const fault = chaos ? telegramFault(method) : undefined;
      return method === 'sendMessage' ? tracing(key('telegram', String(params.chat_id)), String(params.text), fault) : fault;
    };
    const graphFault = (call: GraphCall): Fault | undefined => {
      const r = faultRandom();
      if (call.kind === 'send') {
        if (r < 0.01) return inject('429', { kind: 'status', status: 400, body: { error: { code: 130429, message: 'Rate limit hit', type: 'OAuthException' } } });
        if (r < 0.02) return inject('429', { kind: 'status', status: 400, body: { error: { code: 131056, message: '(Business Account, Consumer Account) pair rate limit hit', type: 'OAuthException' } } });
        if (r < 0.06) return inject('500', { kind: 'status', status: 500, body: { error: { code: 2, message: 'Service temporarily unavailable' } } });
        if (r < 0.09) return inject('drop', { kind: 'drop' });
        if (r < 0.14) return inject('slow', slow());
      } else if (call.kind === 'media' || call.kind === 'download') {
        if (r < 0.04) return inject('500', { kind: 'status', status: 500, body: { error: { code: 2, message: 'Service temporarily unavailable' } } });
        if (r < 0.07) return inject('drop', { kind: 'drop' });
        if (r < 0.12) return inject('slow', slow());
      }
      return undefined;
    };
    graph.faults = (call) => {
      const fault = chaos ? graphFault(call) : undefined;
      if (call.kind !== 'send') return fault;
      const body = call.body as { text?: { body?: string }; interactive?: { body?: { text?: string } } } | undefined;
      return tracing(key('whatsapp', call.to ?? ''), body?.text?.body ?? body?.interactive?.body?.text ?? '', fault);
    };

    // --- how a citizen's message reaches the service
    const background: Promise<unknown>[] = [];
    const giveUpAt = t0 + CONVERSATIONS_WITHIN_MS;
    let webhookCounter = 0;
    const toTelegram = (c: Citizen, say: Say): Record<string, unknown> => {
      if ('text' in say) return { text: say.text };
      if ('button' in say) return { text: say.button.title };
      if ('contact' in say) return { contact: { phone_number: say.contact, first_name: 'Warga', user_id: Number(c.id) } };
      if ('location' in say) return { location: say.location };
      api.addFile(`photo-${c.id}`, fakeJpeg(20_000, Number(c.id) % 251));
      return { photo: [{ file_id: `photo-${c.id}`, file_unique_id: `u-${c.id}`, width: 1280, height: 960, file_size: 20_000 }] };
    };
    const toWhatsApp = (c: Citizen, say: Say): Record<string, unknown> => {
      const base = { from: c.id, id: `wamid.chaos.${c.id}.${String(++webhookCounter)}`, timestamp: String(Math.floor(Date.now() / 1_000)) };
      if ('text' in say) return { ...base, type: 'text', text: { body: say.text } };
      if ('button' in say) return { ...base, type: 'interactive', interactive: { type: 'button_reply', button_reply: say.button } };
      if ('location' in say) return { ...base, type: 'location', location: say.location };
      if ('photo' in say) {
        graph.addMedia(`media-${c.id}`, fakeJpeg(20_000, Number(c.id.slice(-6)) % 251));
        return { ...base, type: 'image', image: { id: `media-${c.id}`, mime_type: 'image/jpeg' } };
      }
      throw new Error('WhatsApp knows the phone number; no contact is shared');
    };
    /** POSTs a webhook until the service answers 200, as Meta redelivers. */
    const post = async (body: string): Promise<void> => {
      const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      for (let attempt = 1; ; attempt++) {
        figures.webhookPosts++;
        if (attempt > 1) figures.webhookRedeliveries++;
        try {
          const response = await fetch(`${baseUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body, signal: AbortSignal.timeout(20_000) });
          await response.arrayBuffer();
          if (response.status === 200) return;
        } catch {
          // down, killed mid-request, or timed out: delivered again below
        }
        if (Date.now() > giveUpAt) throw new Error('webhook not accepted before the deadline');
        await sleep(between(driveRandom, 200, 700));
      }
    };
    const deliver = async (c: Citizen, step: Step): Promise<void> => {
      c.sent += step.say.length;
      if (c.channel === 'telegram') {
        for (const say of step.say) {
          api.push(api.message(Number(c.id), toTelegram(c, say)));
          figures.telegramUpdates++;
        }
        return;
      }
      const groups = step.batched ? [step.say] : step.say.map((s) => [s]);
      for (const group of groups) {
        const payload = {
          object: 'whatsapp_business_account',
          entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: graph.phoneNumberId }, contacts: [{ wa_id: c.id, profile: { name: 'Warga' } }], messages: group.map((s) => toWhatsApp(c, s)) } }] }],
        };
        const body = JSON.stringify(payload);
        await post(body);
        // Meta delivers some webhooks twice, sometimes while the first is still being handled.
        if (chaos && driveRandom() < 0.15) {
          figures.webhookDuplicatesOnPurpose++;
          background.push(sleep(between(driveRandom, 0, 1_500)).then(() => post(body)).catch(() => undefined));
        }
      }
    };
    /** Answers each question as soon as it arrives. */
    const converse = async (c: Citizen): Promise<void> => {
      for (const step of c.script) {
        const before = chats.of(c).length;
        try {
          await deliver(c, step);
        } catch (error) {
          c.stuck = `step ${String(c.steps + 1)}: ${error instanceof Error ? error.message : String(error)}`;
          return;
        }
        while (!chats.of(c).slice(before).some((r) => r.text.includes(step.until))) {
          if (Date.now() > giveUpAt) {
            c.stuck = `step ${String(c.steps + 1)} (${JSON.stringify(step.say)}): no reply containing "${step.until}" by ${since(giveUpAt)}`;
            return;
          }
          await sleep(40);
        }
        c.steps++;
      }
      c.done = true;
    };

    // --- 1. one fault-free processing of every script: the expected replies
    let app = spawnApp();
    await app.waitForListening();
    const probes = (['telegram', 'whatsapp'] as const).flatMap((channel) => VARIANTS.map((variant, i) => citizen(channel, i, variant, true)));
    await Promise.all(probes.map(converse));
    const stuckProbes = probes.filter((p) => !p.done);
    if (stuckProbes.length) {
      saveLogs();
      throw new Error(`the fault-free run did not complete: ${stuckProbes.map((p) => `${key(p.channel, p.id)} ${p.stuck ?? ''}`).join('; ')}`);
    }
    const expected = new Map(probes.map((p) => [`${p.channel}/${p.variant}`, chats.of(p).map((r) => normalise(p, r.text))]));

    // --- 2. the burst, with faults and kills
    const citizens = (['telegram', 'whatsapp'] as const).flatMap((channel) =>
      Array.from({ length: CITIZENS_PER_CHANNEL }, (_, i) => citizen(channel, i, VARIANTS[i % VARIANTS.length] ?? 'steady', false)),
    );
    chaos = true;
    const chaosStart = Date.now();
    const conversations = Promise.all(
      citizens.map(async (c) => {
        await sleep(between(driveRandom, 0, 3_000));
        await converse(c);
      }),
    );

    const kills: Kill[] = [];
    const killCount = 3 + Math.floor(killRandom() * 3);
    const outbox = messageModel(db.connection);
    for (let k = 0; k < killCount; k++) {
      // Most kills while it works; some while it starts (recovery, channels connecting).
      if (killRandom() < 0.25) {
        await sleep(between(killRandom, 200, 2_000) - (Date.now() - app.startedAt));
      } else {
        await app.waitForListening();
        await sleep(between(killRandom, 500, 4_000));
      }
      const generation = apps.length - 1;
      const listening = app.listeningAt;
      app.kill('SIGKILL');
      const at = Date.now();
      await app.exited;
      const inFlight = (await outbox.find({ direction: 'out', status: 'sending' }, { _id: 1 }).lean()).map((d) => d._id);
      const mailsInFlight = (await db.connection.collection('notices').find({ status: 'sending' }, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id));
      kills.push({ at, generation, sinceSpawnMs: at - app.startedAt, sinceListeningMs: listening === undefined ? undefined : at - listening, inFlight, mailsInFlight });
      await sleep(between(killRandom, 300, 1_200));
      app = spawnApp();
    }
    await app.waitForListening();
    await conversations;
    const conversationsDone = Date.now();

    // --- 3. settle: notices, reminders and escalations come due; the outbox empties
    const tickets = async () => ticketModel(db.connection).find({}).lean();
    const mailKinds = ['Pengaduan baru', 'Pengingat', 'Eskalasi'] as const;
    /** Mails per ticket and kind: how many arrived, and how many distinct Message-IDs they carry. */
    const mailsOf = () => {
      const counts = new Map<string, { copies: number; ids: Set<string> }>();
      for (const mail of smtp.mails) {
        const match = /^\[(ADU-\d{4}-\d{5})\] (Pengaduan baru|Pengingat|Eskalasi)/.exec(mail.subject);
        if (!match) continue;
        const entry = counts.get(`${match[1] ?? ''} ${match[2] ?? ''}`) ?? { copies: 0, ids: new Set<string>() };
        entry.copies++;
        entry.ids.add(/^Message-ID:\s*(\S+)/im.exec(mail.raw)?.[1] ?? `(none ${String(entry.copies)})`);
        counts.set(`${match[1] ?? ''} ${match[2] ?? ''}`, entry);
      }
      return counts;
    };
    const created = await tickets();
    const lastCreated = Math.max(...created.map((t) => new Date(t.createdAt).getTime()));
    const settleBy = Math.max(lastCreated + FIRST_RESPONSE_S * 1_000 + 8_000, Date.now() + 3_000);
    for (;;) {
      const mails = mailsOf();
      const allMailed = created.every((t) => mailKinds.every((kind) => mails.has(`${t.number} ${kind}`)));
      const outboxBusy = await outbox.countDocuments({ direction: 'out', status: { $in: ['pending', 'sending'] } });
      if ((allMailed && outboxBusy === 0) || Date.now() > settleBy) break;
      await sleep(250);
    }
    await sleep(1_500); // late repeats show up here
    app.kill('SIGTERM');
    const stopStarted = Date.now();
    const stopped = await Promise.race([app.exited, sleep(20_000).then(() => ({ code: null, signal: null, timedOut: true }))]);
    const stopMs = Date.now() - stopStarted;
    saveLogs();
    const wallMs = Date.now() - t0;

    // --- checks: what the citizens saw
    let duplicates = 0;
    let losses = 0;
    const sequenceProblems: string[] = [];
    const duplicateDetails: string[] = [];
    const problemCitizens: Citizen[] = [];
    for (const c of [...probes, ...citizens]) {
      const want = expected.get(`${c.channel}/${c.variant}`) ?? [];
      const got = chats.of(c);
      let j = 0;
      const unexpected: string[] = [];
      got.forEach((r, i) => {
        const text = normalise(c, r.text);
        if (j < want.length && text === want[j]) {
          j++;
        } else if (i > 0 && r.text === got[i - 1]?.text) {
          duplicates++;
          duplicateDetails.push(`${key(c.channel, c.id)} #${String(i)} at ${since(r.at)} (first at ${since(got[i - 1]?.at ?? 0)}): ${JSON.stringify(r.text.slice(0, 60))}`);
        } else {
          unexpected.push(`#${String(i)} at ${since(r.at)}: ${JSON.stringify(r.text.slice(0, 90))} (expected ${JSON.stringify((want[j] ?? '<nothing more>').slice(0, 60))})`);
        }
      });
      const missing = want.slice(j);
      losses += missing.length;
      if (unexpected.length || missing.length || !c.done) {
        problemCitizens.push(c);
        sequenceProblems.push(
          [
            `${key(c.channel, c.id)} (${c.variant}${c.probe ? ', probe' : ''}): ${c.done ? 'finished' : `stuck at ${c.stuck ?? '?'}`}`,
            ...unexpected.map((u) => `  unexpected ${u}`),
            ...missing.map((m) => `  missing ${JSON.stringify(m.slice(0, 90))}`),
            `  received: ${got.map((r) => `${since(r.at)} ${JSON.stringify(r.text.slice(0, 40))}`).join(' | ')}`,
          ].join('\n'),
        );
      }
    }

    // The service died only when killed.
    const crashes = apps.filter((a) => a.exit !== undefined && a.signalled === undefined).map((a) => `process ${String(apps.indexOf(a))} exited by itself: ${JSON.stringify(a.exit)}`);

    // Every message recorded once, every report one ticket.
    const everyone = [...probes, ...citizens];
    const recorded = new Map<string, number>();
    for (const m of await outbox.find({ direction: 'in' }, { conversationKey: 1 }).lean()) recorded.set(m.conversationKey, (recorded.get(m.conversationKey) ?? 0) + 1);
    const inboundProblems = everyone.filter((c) => recorded.get(key(c.channel, c.id)) !== c.sent).map((c) => `${key(c.channel, c.id)}: sent ${String(c.sent)}, recorded ${String(recorded.get(key(c.channel, c.id)) ?? 0)}`);
    const finalTickets = await tickets();
    const ticketsBy = new Map<string, string[]>();
    for (const t of finalTickets) ticketsBy.set(key(t.channel as Channel, t.reporter.channelUserId ?? ''), [...(ticketsBy.get(key(t.channel as Channel, t.reporter.channelUserId ?? '')) ?? []), t.number]);
    const ticketProblems = [
      ...everyone.filter((c) => ticketsBy.get(key(c.channel, c.id))?.length !== 1).map((c) => `${key(c.channel, c.id)}: tickets ${JSON.stringify(ticketsBy.get(key(c.channel, c.id)) ?? [])}`),
      ...(finalTickets.length === everyone.length ? [] : [`${String(finalTickets.length)} tickets for ${String(everyone.length)} reports`]),
    ];
    // Each notice once: the agency's new-ticket notice, the SLA reminder, the escalation. A mail the
    // SMTP server took just before a kill, not yet marked sent, goes again after the restart (SMTP
    // has no idempotency key either); the copy carries the same Message-ID, so mail clients show it
    // once. Such copies are counted and bounded like the chat repeats; a second Message-ID is a second notice.
    const mails = mailsOf();
    const noticeProblems: string[] = [];
    const noticeTickets = new Set<string>();
    let noticesTwice = 0;
    let mailCopies = 0;
    let noticesLost = 0;
    for (const t of finalTickets) {
      for (const kind of mailKinds) {
        const entry = mails.get(`${t.number} ${kind}`);
        const distinct = entry?.ids.size ?? 0;
        if (distinct > 1) noticesTwice += distinct - 1;
        if (distinct === 0) noticesLost++;
        mailCopies += (entry?.copies ?? 0) - distinct;
        if (distinct !== 1) {
          noticeTickets.add(t.number);
          noticeProblems.push(`${t.number} (${t.channel}:${t.reporter.channelUserId ?? ''}, created ${since(new Date(t.createdAt).getTime())}): "${kind}" mailed as ${String(distinct)} distinct messages`);
        }
      }
    }
    const mailsInFlightAtKills = new Set(kills.flatMap((k) => k.mailsInFlight)).size;

    // Nothing sent into a Telegram 429 window the same process was told about. Sends that arrive
    // within FLOOD_GRACE_MS of the 429 were on their way before the service could read it (other
    // chats' sends run concurrently); a process started after the 429 was never told.
    const floodViolations = api.intoFloodWindow
      .filter((v) => v.at - v.windowOpenedAt > FLOOD_GRACE_MS && !kills.some((k) => k.at >= v.windowOpenedAt && k.at <= v.at))
      .map((v) => `${v.method} to ${v.chatId} at ${since(v.at)}, ${String(v.windowEndsAt - v.at)} ms before the window opened at ${since(v.windowOpenedAt)} ended`);

    // Why duplicates ≤ inFlightAtKills: an outbox entry is sent again only if it is claimed again,
    // and claim() takes only entries that are pending (their last attempt failed: the platform did
    // not take it) or `sending` with an expired claim (their sender died). A reply the platform took
    // and that is marked sent is never sent again. So a text reaches a chat twice only for an entry
    // that was `sending` when a process was killed (counted right after each kill, while nothing
    // runs), each at most once per kill it was caught in, and only if its send got through. A repeat
    // without a kill is a bug (e.g. a claim that expires while its send is still under way).
    const inFlightAtKills = new Set(kills.flatMap((k) => k.inFlight)).size;

    const summary = {
      seed: SEED,
      citizens: citizens.length,
      probes: probes.length,
      messagesIn: everyone.reduce((n, c) => n + c.sent, 0),
      telegramUpdates: figures.telegramUpdates,
      webhookPosts: figures.webhookPosts,
      webhookRedeliveries: figures.webhookRedeliveries,
      webhookDuplicatesOnPurpose: figures.webhookDuplicatesOnPurpose,
      repliesOut: chats.total,
      kills: kills.length,
      faults: figures.faults,
      telegramFloodRefusals: api.intoFloodWindow.length,
      inFlightAtKills,
      duplicates,
      losses,
      tickets: finalTickets.length,
      mails: smtp.mails.length,
      noticesTwice,
      noticesLost,
      mailCopies,
      mailsInFlightAtKills,
      conversationsS: Number(((conversationsDone - chaosStart) / 1_000).toFixed(1)),
      stopMs,
      wallS: Number((wallMs / 1_000).toFixed(1)),
    };
    report(`chaos figures: ${JSON.stringify(summary)}`);
    report(`chaos kills: ${kills.map((k) => `#${String(k.generation)} at ${since(k.at)} (${String(k.sinceSpawnMs)} ms after spawn, ${k.sinceListeningMs === undefined ? 'before listening' : `${String(k.sinceListeningMs)} ms after listening`}, ${String(k.inFlight.length)} sends and ${String(k.mailsInFlight.length)} mails in flight)`).join('; ')}`);
    if (duplicateDetails.length) report(`chaos duplicates:\n${duplicateDetails.join('\n')}`);
    const failing = crashes.length + sequenceProblems.length + inboundProblems.length + ticketProblems.length + noticeProblems.length + floodViolations.length > 0 || duplicates > inFlightAtKills || mailCopies > mailsInFlightAtKills || !('code' in stopped) || stopped.code !== 0;
    if (failing) {
      // What the database holds for the citizens whose chats went wrong.
      const stored: string[] = [];
      for (const c of problemCitizens.slice(0, 8)) {
        const conversation = (await db.connection.collection('conversations').findOne({ _id: key(c.channel, c.id) as never })) as { state?: { step?: string }; outSeq?: number; lastInboundId?: string; lock?: unknown; ticketNumber?: string } | null;
        const messages = await outbox.find({ conversationKey: key(c.channel, c.id) }).sort({ receivedAt: 1, seq: 1 }).lean();
        stored.push(
          [
            `${key(c.channel, c.id)} sends as the platform saw them: ${calls.filter((x) => x.chat === key(c.channel, c.id)).map((x) => `${since(x.at)} ${JSON.stringify(x.text.slice(0, 30))} ${x.outcome}`).join(' | ')}`,
            `${key(c.channel, c.id)} conversation: ${JSON.stringify({ step: conversation?.state?.step, outSeq: conversation?.outSeq, lastInboundId: conversation?.lastInboundId, lock: conversation?.lock, ticketNumber: conversation?.ticketNumber })}`,
            ...messages.map((m) =>
              m.direction === 'in'
                ? `  in  ${m._id} ${m.status} received ${since(m.receivedAt?.getTime() ?? 0)} processed ${m.processedAt ? since(m.processedAt.getTime()) : '-'} ${JSON.stringify((m.text ?? (m.location ? 'location' : m.photos ? 'photo' : '')).slice(0, 40))}`
                : `  out #${String(m.seq)} ${m.status} attempts ${String(m.attempts)} queued ${since(m.at.getTime())} sent ${m.sentAt ? since(m.sentAt.getTime()) : '-'}${m.lastError ? ` lastError ${JSON.stringify(m.lastError)}` : ''} ${JSON.stringify((m.text ?? '').slice(0, 40))}`,
            ),
          ].join('\n'),
        );
      }
      for (const number of [...noticeTickets].slice(0, 8)) {
        const ticket = finalTickets.find((t) => t.number === number);
        const queued = await db.connection.collection('notices').find({ ticketNumber: number }).toArray().catch(() => []);
        stored.push(
          [
            `${number}: due ${JSON.stringify(ticket?.due)}, history ${JSON.stringify(ticket?.history.map((h) => ({ ...h, at: since(new Date(h.at).getTime()) })))}`,
            ...queued.map((n) => `  notice ${JSON.stringify({ ...n, mail: undefined, subject: (n.mail as { subject?: string } | undefined)?.subject })}`),
            ...smtp.mails.filter((m) => m.subject.includes(number)).map((m) => `  mailed ${JSON.stringify(m.subject.slice(0, 60))} ${/^Message-ID:\s*(\S+)/im.exec(m.raw)?.[1] ?? ''}`),
          ].join('\n'),
        );
      }
      const warnings = apps.flatMap((a, i) => a.linesAtLeast(40).map((l) => `[app ${String(i)} ${since(l.at)}] ${l.text.slice(0, 400)}`));
      report(
        [
          `chaos seed ${String(SEED)} failed; logs in ${logDir}`,
          ...crashes,
          ...sequenceProblems,
          ...stored,
          ...inboundProblems,
          ...ticketProblems,
          ...noticeProblems,
          ...floodViolations.slice(0, 20).map((v) => `into the 429 window: ${v}`),
          `service warnings and errors (${String(warnings.length)}):`,
          ...warnings.slice(0, 60),
        ].join('\n'),
      );
    }

    expect.soft(crashes, 'the service exits only when told').toEqual([]);
    expect.soft(sequenceProblems, 'every citizen: exactly the replies of one processing, in order').toEqual([]);
    expect.soft(losses, 'replies lost').toBe(0);
    expect.soft(duplicates, 'repeated replies, at most one per send in flight at a kill').toBeLessThanOrEqual(inFlightAtKills);
    expect.soft(inboundProblems, 'every message recorded once').toEqual([]);
    expect.soft(ticketProblems, 'one ticket per report').toEqual([]);
    expect.soft(noticeProblems, 'each notice, reminder and escalation mailed once').toEqual([]);
    expect.soft(mailCopies, 'copies of a mail, at most one per notice in flight at a kill').toBeLessThanOrEqual(mailsInFlightAtKills);
    expect.soft(floodViolations, 'nothing sent into a 429 window').toEqual([]);
    expect.soft(stopped, 'SIGTERM after the run: exit 0').toEqual({ code: 0, signal: null });
    expect(kills.length).toBeGreaterThanOrEqual(3);
  });
});
