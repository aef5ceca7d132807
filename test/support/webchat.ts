// A person on the web chat, over its real HTTP API: posts messages and
// reads the bot's answers the way the page does.
import { randomBytes } from 'node:crypto';
import { TICKET_NUMBER } from './conversation.js';

export interface BotMessage { id: number; text: string; choices?: { label: string }[]; request?: string; photo?: string }

export class WebchatCitizen {
  after = 0;
  constructor(readonly baseUrl: string, readonly sessionId = `session-${randomBytes(8).toString('hex')}`) {}

  post(body: Record<string, unknown>): Promise<Response> {
    return fetch(`${this.baseUrl}/api/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: this.sessionId, ...body }) });
  }

  photo(bytes: Buffer, filename: string): Promise<Response> {
    const form = new FormData();
    form.append('sessionId', this.sessionId);
    form.append('photo', new Blob([bytes]), filename);
    return fetch(`${this.baseUrl}/api/webchat/messages`, { method: 'POST', body: form });
  }

  async poll(wait = 0): Promise<BotMessage[]> {
    const response = await fetch(`${this.baseUrl}/api/webchat/messages?sessionId=${this.sessionId}&after=${String(this.after)}&wait=${String(wait)}`);
    if (response.status !== 200) throw new Error(`web chat poll answered ${String(response.status)}`);
    const { messages } = (await response.json()) as { messages: BotMessage[] };
    this.after = messages.at(-1)?.id ?? this.after;
    return messages;
  }

  async say(text: string): Promise<string> {
    const response = await this.post({ text });
    if (response.status !== 202) throw new Error(`web chat post answered ${String(response.status)}`);
    return (await this.poll()).map((m) => m.text).join('\n');
  }

  /** A whole report (no photo), answered as a person would; resolves with the ticket number. */
  async report(report: { name: string; phone: string; address: string; category: string; description: string; location?: { latitude: number; longitude: number } }): Promise<string> {
    await this.say('halo');
    await this.say('1');
    await this.say(report.name);
    await this.say(report.phone);
    await this.say(report.address);
    await this.say(report.category);
    await this.say(report.description);
    await this.say('selesai');
    if (report.location) {
      await this.post({ location: report.location });
      // An open ticket of the same category nearby is offered first (nearby duplicates): this citizen opens their own.
      if ((await this.poll()).some((m) => m.text.includes('Sudah ada laporan serupa'))) await this.say('Tidak');
    } else {
      await this.say(report.address);
    }
    const done = await this.say('Ya');
    const number = TICKET_NUMBER.exec(done)?.[0];
    if (!number) throw new Error(`no ticket number in: ${done}`);
    return number;
  }
}
