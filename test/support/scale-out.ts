// Citizens and an operator talking to several instances of the service
// through a load balancer (test/support/haproxy.ts): every request may land
// on any instance, and one that fails because its instance died is sent
// again, as a browser page or Meta's webhook delivery does.
import { createHmac, randomBytes } from 'node:crypto';
import { sleep } from './faults.js';

export type Channel = 'webchat' | 'telegram' | 'whatsapp';
export type Say = { readonly text: string } | { readonly location: { readonly latitude: number; readonly longitude: number } };

export interface Step {
  readonly say: Say;
  /** A text in the replies that asks the next question. */
  readonly until: string;
}

const PIN = { latitude: -7.2575, longitude: 112.7521 };
const NAMES = ['Siti Aminah', 'Bambang Hariyanto', 'Dewi Lestari', 'Agus Salim', 'Rina Wati', 'Joko Susilo', 'Fitri Handayani', 'Hendra Gunawan'];

/** A whole report, one answer per question; WhatsApp knows the phone number and does not ask it. */
export function reportScript(channel: Channel, index: number): Step[] {
  const phone = `0812${String(3_000_000 + index * 7_919).padStart(7, '0')}`;
  const name = NAMES[index % NAMES.length] ?? 'Siti Aminah';
  return [
    { say: { text: 'halo' }, until: 'Silakan pilih layanan' },
    { say: { text: '1' }, until: 'nama lengkap' },
    ...(channel === 'whatsapp' ? [{ say: { text: name }, until: 'alamat' }] : [{ say: { text: name }, until: 'nomor HP' }, { say: { text: phone }, until: 'alamat' }]),
    { say: { text: `Jl. Tunjungan ${String(10 + index)}, Surabaya` }, until: 'jenis masalah' },
    { say: { text: '1' }, until: 'Ceritakan' },
    { say: { text: `Jalan berlubang di depan rumah nomor ${String(10 + index)}, bahaya untuk motor.` }, until: 'Kirim foto' },
    { say: { text: 'selesai' }, until: 'lokasi' },
    { say: { location: { latitude: PIN.latitude + index * 0.001, longitude: PIN.longitude } }, until: 'siap dikirim' },
    { say: { text: 'Ya' }, until: 'nomor tiket' },
  ];
}

/** Which instance answered a request through the load balancer (HAProxy's `x-served-by`). */
export const servedBy = (response: { readonly headers: Headers }): string => response.headers.get('x-served-by') ?? '?';

export interface LbFigures {
  /** Requests answered 5xx or 429, or cut off, then sent again. */
  retried: number;
  /** Why, by status ("cut" for a connection cut). */
  readonly reasons: Record<string, number>;
}

/**
 * Sends a request until it gets an answer that is not a 5xx (the balancer's 502/503 when its
 * instance died under it, or the service's own) or a 429, and not a cut connection. Only for requests
 * safe to repeat: a web chat post carries its messageId, a webhook its wamid.
 */
export async function untilAnswered(figures: LbFigures, request: () => Promise<Response>, deadline: number): Promise<Response> {
  for (;;) {
    let reason = 'cut';
    try {
      const response = await request();
      // As the web chat page does: a 5xx or a 429 is sent again (same messageId), anything else is an answer.
      if (response.status < 500 && response.status !== 429) return response;
      reason = String(response.status);
      await response.arrayBuffer();
    } catch {
      // the connection was cut: its instance was killed mid-request
    }
    figures.retried++;
    figures.reasons[reason] = (figures.reasons[reason] ?? 0) + 1;
    if (Date.now() > deadline) throw new Error('no answer through the load balancer before the deadline');
    await sleep(200);
  }
}

export interface Received {
  readonly text: string;
  readonly at: number;
}

/** A person on the web chat page: long polls for the bot's messages, posts with a messageId. */
export class LbWebchatCitizen {
  readonly sessionId = `scale-${randomBytes(10).toString('hex')}`;
  readonly received: Received[] = [];
  private after = 0;
  private counter = 0;
  /** Each long poll's instance, and the instance of the post it waited for. */
  readonly wakes: { pollOn: string; postOn: string; postedAt: number; afterPostMs: number }[] = [];

  constructor(readonly url: string, readonly address: string, readonly figures: LbFigures) {}

  /** A long poll (up to `waitS`); the replies it brings are kept. */
  async poll(waitS: number, deadline: number): Promise<{ on: string; at: number }> {
    const response = await untilAnswered(this.figures, () => fetch(`${this.url}/api/webchat/messages?sessionId=${this.sessionId}&after=${String(this.after)}&wait=${String(waitS)}`, { headers: { 'x-forwarded-for': this.address } }), deadline);
    const { messages } = (await response.json()) as { messages: { id: number; text: string }[] };
    const at = Date.now();
    for (const m of messages) this.received.push({ text: m.text, at });
    this.after = messages.at(-1)?.id ?? this.after;
    return { on: servedBy(response), at };
  }

  /** Posts one answer while a long poll waits, as the page does; resolves when the reply asking `until` has arrived. */
  async step(step: Step, deadline: number): Promise<void> {
    const before = this.received.length;
    const messageId = `${this.sessionId.slice(-8)}-${String(++this.counter)}`;
    const polling = this.poll(20, deadline);
    await sleep(50); // the poll is on its way before the post
    const posted = await untilAnswered(this.figures, () => fetch(`${this.url}/api/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': this.address }, body: JSON.stringify({ sessionId: this.sessionId, messageId, ...step.say }) }), deadline);
    await posted.arrayBuffer();
    if (posted.status !== 202) throw new Error(`web chat post answered ${String(posted.status)}`);
    const postedAt = Date.now();
    const woke = await polling;
    this.wakes.push({ pollOn: woke.on, postOn: servedBy(posted), postedAt, afterPostMs: woke.at - postedAt });
    while (!this.received.slice(before).some((r) => r.text.includes(step.until))) {
      if (Date.now() > deadline) throw new Error(`no reply containing "${step.until}"`);
      await this.poll(5, deadline);
    }
  }
}

/** A WhatsApp Cloud API webhook as Meta signs and sends it. */
export function whatsappWebhook(secret: string, phoneNumberId: string, from: string, id: string, say: Say): { body: string; signature: string } {
  const message = 'text' in say ? { type: 'text', text: { body: say.text } } : { type: 'location', location: say.location };
  const payload = {
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: phoneNumberId }, contacts: [{ wa_id: from, profile: { name: 'Warga' } }], messages: [{ from, id, timestamp: String(Math.floor(Date.now() / 1_000)), ...message }] } }] }],
  };
  const body = JSON.stringify(payload);
  return { body, signature: `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` };
}

export interface HeardEvent {
  readonly type: string;
  readonly number?: string;
  readonly action?: string;
  readonly at: number;
}

/** An operator's live-update stream (GET /api/events), read event by event. */
export class InboxStream {
  readonly heard: HeardEvent[] = [];
  on = '?';
  private readonly controller = new AbortController();
  private opened = false;

  static async open(url: string, cookie: string): Promise<InboxStream> {
    const stream = new InboxStream();
    const response = await fetch(`${url}/api/events`, { headers: { cookie }, signal: stream.controller.signal });
    if (response.status !== 200 || !response.body) throw new Error(`the event stream answered ${String(response.status)}`);
    stream.on = servedBy(response);
    stream.opened = true;
    void stream.read(response.body.getReader());
    return stream;
  }

  get open(): boolean {
    return this.opened;
  }

  close(): void {
    this.controller.abort();
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const chunk = await reader.read().catch(() => undefined);
      if (!chunk || chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (type && data) this.heard.push({ ...(JSON.parse(data) as { number?: string; action?: string }), type, at: Date.now() });
      }
    }
    this.opened = false;
  }
}
