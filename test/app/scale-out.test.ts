// Scale-out: three instances of the service (real processes, `npm start`
// semantics) on one database behind HAProxy (round-robin, no stickiness,
// health checks on /healthz). Citizens report at once on the web chat (long
// polls and posts through the balancer), on Telegram (long polling by
// whichever instance holds its lease) and on the WhatsApp Cloud API (signed
// webhooks through the balancer); an operator follows the inbox's event
// stream on one instance. Mid-run the instance holding the Telegram lease is
// killed with SIGKILL and not restarted. Checked: every report made one
// ticket, every citizen got their number on their channel, the operator heard
// of tickets opened on the other instances, each agency notice and SLA
// reminder went out once, and the two survivors stop cleanly.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageModel } from '../../src/storage/models/message.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { AppProcess, freePort } from '../support/app-process.js';
import { FakeBotApi } from '../support/bot-api.js';
import { TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { sleep } from '../support/faults.js';
import { FakeGraphApi } from '../support/graph-api.js';
import { HaproxyProcess } from '../support/haproxy.js';
import { OperatorSession } from '../support/inbox.js';
import { type Channel, InboxStream, type LbFigures, LbWebchatCitizen, type Received, reportScript, servedBy, type Step, untilAnswered, whatsappWebhook } from '../support/scale-out.js';
import { SmtpSink } from '../support/smtp-sink.js';

const PER_CHANNEL = 4;
const INSTANCES = 3;
const FIRST_RESPONSE_S = 8;
const SECRET = 'scale-app-secret';
const ADMIN = { username: 'admin', password: 'admin-password-1' };

const db = useTestDatabase(import.meta.filename);
const api = new FakeBotApi();
const graph = new FakeGraphApi();
const smtp = new SmtpSink();
const logDir = mkdtempSync(join(tmpdir(), 'aduan-scale-'));
const apps: AppProcess[] = [];
let proxy: HaproxyProcess | undefined;

beforeAll(async () => {
  api.exclusivePolling = true;
  await Promise.all([api.start(), graph.start(), smtp.start()]);
});
afterAll(async () => {
  for (const app of apps) app.kill('SIGKILL');
  await Promise.all(apps.map((a) => a.exited));
  await proxy?.stop();
  await Promise.all([api.stop(), graph.stop(), smtp.stop()]);
});

function report(text: string): void {
  // eslint-disable-next-line no-console -- the figures belong in the test output (README, "Proof: three instances and a kill")
  console.log(text);
}

interface Citizen {
  readonly channel: Channel;
  readonly id: string;
  readonly script: readonly Step[];
  readonly web?: LbWebchatCitizen;
  sent: number;
  steps: number;
  /** The instance that took the message that opened the ticket (web chat, WhatsApp). */
  createdOn?: string;
  stuck?: string;
}

function received(c: Citizen): Received[] {
  if (c.web) return c.web.received;
  if (c.channel === 'telegram') return api.sent.filter((m) => m.chatId === c.id && m.text !== undefined).map((m) => ({ text: m.text ?? '', at: m.at ?? 0 }));
  return graph.sent.flatMap((m, i) => (m.to === c.id ? [{ text: (m.text as { body?: string } | undefined)?.body ?? (m.interactive as { body?: { text?: string } } | undefined)?.body?.text ?? '', at: graph.sentAt[i] ?? 0 }] : []));
}

describe('scale-out', () => {
  it('three instances behind HAProxy, one killed mid-run: every report once, every reply, every event, each reminder once', { timeout: 150_000 }, async () => {
    const t0 = Date.now();
    const since = (at: number) => `${((at - t0) / 1_000).toFixed(1)}s`;
    const configFile = join(logDir, 'kota.yaml');
    writeFileSync(
      configFile,
      [
        // A receiver's lease (Telegram polling) of 3 s: another instance takes over within 4 s of a kill.
        // A turn's lease of 10 s: a loaded machine can take longer than 3 s over one, and a lease
        // expiring under a live turn answers 500 (what this test counts as a failure).
        'leases: { conversation: 10s, outboxClaim: 3s, job: 3s, singleton: 3s }',
        'outbox: { retryBase: 300ms, retryMax: 3s, maxAttempts: 30 }',
        `sla: { firstResponse: ${String(FIRST_RESPONSE_S)}s, firstResponseReminderRatio: 0.5 }`,
        'schedules:',
        '  outboxRetry: "*/1 * * * * *"',
        '  conversationExpiry: "*/2 * * * * *"',
        '  slaSweep: "*/1 * * * * *"',
        '  agencyNotice: "*/1 * * * * *"',
        'duplicates: { enabled: false }',
        'inbox: { passwordCost: 10 }',
        '',
      ].join('\n'),
    );
    const ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()));
    const names = ports.map((_, i) => `app${String(i + 1)}`);
    const env = (port: number) => ({
      MONGODB_URI: `${db.uri.replace(/\/?$/, '/')}${db.name}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CONFIG_FILE: configFile,
      DATA_DIR: logDir,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.url,
      WHATSAPP_CLOUD_TOKEN: graph.token,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: graph.phoneNumberId,
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'scale-verify',
      WHATSAPP_CLOUD_APP_SECRET: SECRET,
      WHATSAPP_CLOUD_API_ROOT: graph.url,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'aduan@kotacontoh.go.id',
    });
    const saveLogs = () => { apps.forEach((app, i) => { writeFileSync(join(logDir, `${names[i] ?? ''}.log`), `${app.output()}\n`); }); };
    const pollTimes: number[] = [];
    api.faults = (method) => {
      if (method === 'getUpdates') pollTimes.push(Date.now());
      return undefined;
    };

    // --- three instances and the balancer
    apps.push(...ports.map((port) => new AppProcess(env(port))));
    await Promise.all(apps.map((a) => a.waitForListening(60_000)));
    proxy = await HaproxyProcess.start(ports.map((port, i) => ({ name: names[i] ?? '', port })));
    const lb = proxy.url;
    // HAProxy takes an instance in after two good health checks.
    const seen = new Set<string>();
    while (seen.size < INSTANCES) {
      if (Date.now() - t0 > 60_000) throw new Error(`the balancer did not take every instance in: ${[...seen].join(', ')}`);
      const response = await fetch(`${lb}/healthz`);
      await response.arrayBuffer();
      if (response.status === 200) seen.add(servedBy(response));
    }
    const startedS = (Date.now() - t0) / 1_000;

    // --- who holds the Telegram lease: the instance to kill
    const holder = async (): Promise<number | undefined> => {
      for (let i = 0; i < INSTANCES; i++) {
        if (!apps[i]?.running) continue;
        const health = (await (await fetch(`http://127.0.0.1:${String(ports[i])}/healthz`)).json()) as { channels?: { telegram?: { receiving?: boolean } } };
        if (health.channels?.telegram?.receiving === true) return i;
      }
      return undefined;
    };
    let victim: number | undefined;
    for (const deadline = Date.now() + 15_000; victim === undefined && Date.now() < deadline;) {
      victim = await holder();
      if (victim === undefined) await sleep(200);
    }
    const victimKnown = victim !== undefined;
    victim ??= 0;
    const victimName = names[victim] ?? '';

    // --- the operator, logged in through the balancer, following the event stream on another instance
    const operator = await OperatorSession.login(lb, ADMIN.username, ADMIN.password);
    let stream = await InboxStream.open(lb, operator.cookie ?? '');
    while (stream.on === victimName) {
      stream.close();
      stream = await InboxStream.open(lb, operator.cookie ?? '');
    }

    // --- the citizens
    const figures: LbFigures = { retried: 0, reasons: {} };
    const deadline = Date.now() + 75_000;
    const citizens: Citizen[] = (['webchat', 'telegram', 'whatsapp'] as const).flatMap((channel) =>
      Array.from({ length: PER_CHANNEL }, (_, i): Citizen => {
        const script = reportScript(channel, i);
        if (channel === 'webchat') return { channel, id: '', script, web: new LbWebchatCitizen(lb, `10.20.0.${String(i + 1)}`, figures), sent: 0, steps: 0 };
        return { channel, id: channel === 'telegram' ? String(810_000 + i) : `6281377${String(100_000 + i)}`, script, sent: 0, steps: 0 };
      }),
    );
    let wamid = 0;
    const deliver = async (c: Citizen, step: Step, last: boolean): Promise<void> => {
      c.sent++;
      if (c.web) {
        await c.web.step(step, deadline);
        if (last) c.createdOn = c.web.wakes.at(-1)?.postOn;
        return;
      }
      if (c.channel === 'telegram') {
        api.push(api.message(Number(c.id), 'text' in step.say ? { text: step.say.text } : { location: step.say.location }));
        return;
      }
      const { body, signature } = whatsappWebhook(SECRET, graph.phoneNumberId, c.id, `wamid.scale.${c.id}.${String(++wamid)}`, step.say);
      // Meta delivers again until it gets a 200.
      for (;;) {
        const response = await untilAnswered(figures, () => fetch(`${lb}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body }), deadline);
        await response.arrayBuffer();
        if (response.status === 200) {
          if (last) c.createdOn = servedBy(response);
          return;
        }
        figures.retried++;
        figures.reasons[String(response.status)] = (figures.reasons[String(response.status)] ?? 0) + 1;
        await sleep(300);
      }
    };
    const converse = async (c: Citizen): Promise<void> => {
      for (const [i, step] of c.script.entries()) {
        const before = received(c).length;
        try {
          await deliver(c, step, i === c.script.length - 1);
          while (!received(c).slice(before).some((r) => r.text.includes(step.until))) {
            if (Date.now() > deadline) throw new Error(`no reply containing "${step.until}"`);
            await sleep(40);
          }
        } catch (error) {
          c.stuck = `${c.channel}:${c.id || (c.web?.sessionId ?? '')} step ${String(i + 1)}: ${error instanceof Error ? error.message : String(error)}`;
          return;
        }
        c.steps++;
      }
    };
    const conversationsStarted = Date.now();
    const conversations = Promise.all(citizens.map(async (c, i) => { await sleep((i % PER_CHANNEL) * 400); await converse(c); }));

    // --- mid-run, the Telegram lease holder dies
    const totalSteps = citizens.reduce((n, c) => n + c.script.length, 0);
    while (citizens.reduce((n, c) => n + c.steps, 0) < totalSteps * 0.4 && Date.now() < deadline) await sleep(50);
    const victimApp = apps[victim];
    victimApp?.kill('SIGKILL');
    const killedAt = Date.now();
    await victimApp?.exited;
    const outbox = messageModel(db.connection);
    const sendsInFlight = await outbox.countDocuments({ direction: 'out', status: 'sending' });
    const mailsInFlight = await db.connection.collection('notices').countDocuments({ status: 'sending' });
    const stepsAtKill = citizens.reduce((n, c) => n + c.steps, 0);
    await conversations;
    const conversationsS = (Date.now() - conversationsStarted) / 1_000;
    const takeoverMs = (pollTimes.find((t) => t > killedAt + 50) ?? Number.NaN) - killedAt;

    // --- an operator answers every report through the balancer: the reply reaches the citizen on their
    // channel from whichever instance took it, and a web chat long poll on another instance wakes for it
    const tickets = await ticketModel(db.connection).find({}).lean();
    const operatorReplies = await Promise.all(
      citizens.map(async (c) => {
        const number = tickets.find((t) => t.channel === c.channel && t.reporter.channelUserId === (c.web ? c.web.sessionId : c.id))?.number;
        if (!number) return { c, number, ok: false, ms: Number.NaN, cross: false };
        const text = `Petugas kami akan memeriksa laporan ${number} besok pagi.`;
        const polling = c.web?.poll(20, deadline);
        await sleep(50);
        const posted = await operator.post(`/api/tickets/${number}/replies`, { text });
        const postedAt = Date.now();
        if (posted.status !== 202) return { c, number, ok: false, ms: Number.NaN, cross: false };
        const woke = await polling;
        while (!received(c).some((r) => r.text.includes(text)) && Date.now() < deadline + 10_000) await sleep(40);
        const arrived = received(c).find((r) => r.text.includes(text));
        return { c, number, ok: arrived !== undefined, ms: (arrived?.at ?? Number.NaN) - postedAt, cross: woke !== undefined && woke.on !== servedBy(posted) };
      }),
    );
    await sleep(1_000); // the last `reply` events reach the stream
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
    const kinds = ['Pengaduan baru', 'Pengingat', 'Eskalasi'] as const;
    const lastCreated = Math.max(...tickets.map((t) => new Date(t.createdAt).getTime()));
    const settleBy = Math.max(lastCreated + FIRST_RESPONSE_S * 1_000 + 6_000, Date.now() + 2_000);
    while (Date.now() < settleBy && !tickets.every((t) => kinds.every((k) => mailsOf().has(`${t.number} ${k}`)))) await sleep(250);
    await sleep(1_500); // a second copy would arrive now
    stream.close();
    const survivors = apps.filter((a) => a.running);
    for (const app of survivors) app.kill('SIGTERM');
    const stops = await Promise.all(survivors.map((a) => a.exited));
    saveLogs();

    // --- what the citizens, the operator and the agencies got
    const byCitizen = new Map<string, string[]>();
    for (const t of tickets) {
      const k = `${t.channel}:${t.reporter.channelUserId ?? ''}`;
      byCitizen.set(k, [...(byCitizen.get(k) ?? []), t.number]);
    }
    const idOf = (c: Citizen) => (c.web ? c.web.sessionId : c.id);
    const ticketProblems = citizens.filter((c) => byCitizen.get(`${c.channel}:${idOf(c)}`)?.length !== 1).map((c) => `${c.channel}:${idOf(c)} tickets ${JSON.stringify(byCitizen.get(`${c.channel}:${idOf(c)}`) ?? [])}`);
    const replyProblems = citizens.flatMap((c) => {
      const number = byCitizen.get(`${c.channel}:${idOf(c)}`)?.[0];
      const told = received(c).filter((r) => TICKET_NUMBER.exec(r.text)?.[0] === number && r.text.includes('nomor tiket'));
      return number && told.length >= 1 ? [] : [`${c.channel}:${idOf(c)} was told ${String(told.length)} times of ${number ?? 'no ticket'}`];
    });
    const repeats = citizens.reduce((n, c) => n + received(c).filter((r, i, all) => i > 0 && r.text === all[i - 1]?.text).length, 0);
    const recorded = new Map<string, number>();
    for (const m of await outbox.find({ direction: 'in' }, { conversationKey: 1 }).lean()) recorded.set(m.conversationKey, (recorded.get(m.conversationKey) ?? 0) + 1);
    const inboundProblems = citizens.filter((c) => recorded.get(`${c.channel}:${idOf(c)}`) !== c.sent).map((c) => `${c.channel}:${idOf(c)} sent ${String(c.sent)}, recorded ${String(recorded.get(`${c.channel}:${idOf(c)}`) ?? 0)}`);
    const created = new Set(stream.heard.filter((e) => e.type === 'ticket' && e.action === 'create').map((e) => e.number));
    const repliedHeard = new Set(stream.heard.filter((e) => e.type === 'reply').map((e) => e.number));
    const replyProblemsOperator = operatorReplies.filter((r) => !r.ok || !repliedHeard.has(r.number)).map((r) => `${r.c.channel}:${idOf(r.c)} ${r.number ?? 'no ticket'}: ${r.ok ? 'reply event not heard' : "the operator's reply did not arrive"}`);
    // A ticket opened in the instant its instance was killed may lose its live update with that instance (the event is
    // written just after the ticket; a message not yet marked processed is told again on recovery, one marked is not):
    // the operator sees it on the list's next load. Any other ticket must have been heard.
    const atTheKill = (t: { createdAt: Date }) => Math.abs(new Date(t.createdAt).getTime() - killedAt) < 1_500;
    const unheardAtKill = tickets.filter((t) => !created.has(t.number) && atTheKill(t)).map((t) => t.number);
    const unheard = tickets.filter((t) => !created.has(t.number) && !atTheKill(t)).map((t) => t.number);
    const fromOthers = citizens.filter((c) => c.createdOn !== undefined && c.createdOn !== stream.on).length;
    const mails = mailsOf();
    const mailProblems = tickets.flatMap((t) => kinds.flatMap((k) => ((mails.get(`${t.number} ${k}`)?.ids.size ?? 0) === 1 ? [] : [`${t.number} "${k}" mailed as ${String(mails.get(`${t.number} ${k}`)?.ids.size ?? 0)} messages`])));
    const mailCopies = [...mails.values()].reduce((n, e) => n + e.copies - e.ids.size, 0);
    const wakes = citizens.flatMap((c) => c.web?.wakes ?? []);
    const crossWakes = wakes.filter((w) => w.pollOn !== w.postOn);
    const slowestCrossWakeMs = Math.max(0, ...crossWakes.map((w) => w.afterPostMs));
    const medianCrossWakeMs = crossWakes.map((w) => w.afterPostMs).sort((a, b) => a - b)[Math.floor(crossWakes.length / 2)] ?? Number.NaN;
    const crashes = apps.filter((a) => a !== victimApp && a.exit?.code !== 0).map((a) => `${names[apps.indexOf(a)] ?? ''} ended ${JSON.stringify(a.exit)}`);

    const summary = {
      instances: INSTANCES,
      citizens: citizens.length,
      messagesIn: citizens.reduce((n, c) => n + c.sent, 0),
      startedS,
      killed: `${victimName}${victimKnown ? ' (Telegram lease holder)' : ' (lease holder not shown in /healthz)'} at ${since(killedAt)}, ${String(stepsAtKill)}/${String(totalSteps)} steps done`,
      telegramTakeoverMs: takeoverMs,
      telegramConflicts: api.conflicts,
      retriedThroughBalancer: figures.retried,
      retriedBecause: figures.reasons,
      tickets: tickets.length,
      ticketsOpenedOnOtherInstancesThanTheStream: fromOthers,
      ticketsUnheardOpenedAtTheKill: unheardAtKill,
      streamOn: stream.on,
      operatorReplySlowestMs: Math.max(...operatorReplies.map((r) => r.ms)),
      operatorRepliesWokeAnotherInstance: operatorReplies.filter((r) => r.cross).length,
      webchatCrossInstanceWakes: crossWakes.length,
      medianCrossWakeMs,
      slowestCrossWakeMs,
      sendsInFlightAtKill: sendsInFlight,
      repeatedReplies: repeats,
      mails: smtp.mails.length,
      mailCopies,
      mailsInFlightAtKill: mailsInFlight,
      conversationsS,
      wallS: (Date.now() - t0) / 1_000,
    };
    const slowWakes = crossWakes.filter((w) => w.afterPostMs > 1_000).map((w) => `long poll on ${w.pollOn} woke ${String(w.afterPostMs)} ms after the post on ${w.postOn} at ${since(w.postedAt)}`);
    report(`scale-out figures: ${JSON.stringify(summary)}\n${slowWakes.join('\n')}\nlogs in ${logDir}`);
    const stuck = citizens.flatMap((c) => (c.stuck ? [`${c.stuck}; received: ${received(c).map((r) => `${since(r.at)} ${JSON.stringify(r.text.slice(0, 50))}`).join(' | ')}`] : []));

    expect.soft(stuck, 'every citizen finished their report').toEqual([]);
    expect.soft(ticketProblems, 'one ticket per citizen').toEqual([]);
    expect.soft(new Set(tickets.map((t) => t.number)).size, 'ticket numbers unique').toBe(tickets.length);
    expect.soft(tickets.length, 'no other ticket').toBe(citizens.length);
    expect.soft(replyProblems, 'every citizen told their number on their channel').toEqual([]);
    expect.soft(repeats, 'a reply repeats only if its send was in flight at the kill').toBeLessThanOrEqual(sendsInFlight);
    expect.soft(inboundProblems, 'every message recorded once').toEqual([]);
    expect.soft(unheard, "the operator's stream heard of every ticket, wherever it was opened").toEqual([]);
    expect.soft(replyProblemsOperator, "every citizen got the operator's reply, and the stream heard of it").toEqual([]);
    expect.soft(Math.max(...operatorReplies.map((r) => r.ms)), "an operator's reply reaches the citizen within 5 s").toBeLessThan(5_000);
    expect.soft(fromOthers, 'tickets were opened on instances other than the stream’s').toBeGreaterThan(0);
    expect.soft(crossWakes.length, 'long polls woke for replies stored by another instance').toBeGreaterThan(0);
    // Within 1 s on a quiet machine (README, "Live updates across instances"); without the shared wake a
    // long poll finds its reply only at its 5 s re-read, 3–5 s after the post. The median, since a loaded
    // machine stalls a process now and then (the slowest is in the figures).
    expect.soft(medianCrossWakeMs, 'long polls wake within 1.5 s (median) for replies stored by another instance').toBeLessThanOrEqual(1_500);
    expect.soft(figures.reasons['500'] ?? 0, 'no request failed inside the service (500)').toBe(0);
    expect.soft(mailProblems, 'each agency notice, SLA reminder and escalation once').toEqual([]);
    expect.soft(mailCopies, 'a mail repeats only if it was in flight at the kill').toBeLessThanOrEqual(mailsInFlight);
    expect.soft(api.conflicts, 'one instance polls Telegram at a time').toBe(0);
    expect.soft(victimKnown, "/healthz shows which instance holds Telegram's lease").toBe(true);
    expect.soft(takeoverMs, 'another instance polls Telegram soon after the holder died').toBeLessThan(30_000);
    expect.soft(crashes, 'the survivors stop cleanly').toEqual([]);
    expect(stops.every((s) => s.code === 0)).toBe(true);
  });
});
