// Delivers outbound messages through the Cloud API: text, choices as reply
// buttons (≤ 3) or a list (≤ 10), photos uploaded as media. Outside the
// 24-hour customer window WhatsApp only accepts templates: a late notice goes
// as the template of its kind with its parameters, anything else (or a kind
// without one) as the follow-up template with the text as its parameter.
import type { Config } from '../../config/schema.js';
import type { ChannelCapabilities, NoticeKind, OutboundMessage } from '../../conversation/messages.js';
import type { PauseScope } from '../../outbox/pauses.js';
import { DeliveryError, type ChannelSender, photoToSend } from '../../outbox/sender.js';
import { splitText } from '../../outbox/split-text.js';
import type { AttachmentStore } from '../../storage/attachments.js';
import { type GraphClient, GraphError } from './graph.js';

export const WHATSAPP_CAPABILITIES: ChannelCapabilities = { knowsPhone: true, canRequestContact: false, canRequestLocation: false, buttons: true, oneShot: false };

const TEXT_LIMIT = 4096;
const INTERACTIVE_BODY_LIMIT = 1024;
/** Re-engagement message: more than 24 hours since the person last wrote. */
const OUTSIDE_WINDOW = 131047;
/**
 * The Cloud API's rate limits, what each holds back and for how long (Meta gives no retry-after).
 * The pair rate (131056) is per person: about one message every 6 s to the same number; the others
 * limit the whole business number, app or account.
 */
const RATE_LIMITS: ReadonlyMap<number, { readonly pause: PauseScope; readonly ms: number }> = new Map([
  [130429, { pause: 'channel', ms: 2_000 }], // throughput of the business number (80 messages/s by default)
  [131056, { pause: 'chat', ms: 6_000 }], // pair rate: business number → one person
  [80007, { pause: 'channel', ms: 30_000 }], // the WhatsApp Business Account's rate limit
  [80004, { pause: 'channel', ms: 30_000 }], // too many calls for the phone number
  [4, { pause: 'channel', ms: 30_000 }], // the app's API call limit
  [131048, { pause: 'channel', ms: 30_000 }], // spam rate limit
]);

export interface WaTemplate {
  readonly name: string;
  readonly language: string;
}

/** Approved templates by the kind of late message; `followUp` for the rest. */
export type LateTemplates = Partial<Record<NoticeKind | 'followUp', WaTemplate>>;

export interface CloudSenderOptions {
  readonly templates?: LateTemplates;
}

/** The configured templates; `followUpTemplate` stays the follow-up template unless `templates.followUp` names another. */
export function lateTemplates(config: Pick<Config['channels']['whatsappCloud'], 'followUpTemplate' | 'templates'>): LateTemplates {
  const followUp = config.templates?.followUp ?? config.followUpTemplate;
  return { ...config.templates, ...(followUp ? { followUp } : {}) };
}

/**
 * The template a message goes as outside the window, or undefined when none fits. Meta refuses a
 * parameter with a line break, a tab or more than four spaces in a row (132018), and an empty one.
 */
export function templateFor(message: OutboundMessage, templates: LateTemplates): Record<string, unknown> | undefined {
  const own = message.notice ? templates[message.notice.kind] : undefined;
  const chosen = own && message.notice ? { template: own, params: message.notice.params } : templates.followUp && { template: templates.followUp, params: [message.text] };
  if (!chosen) return undefined;
  const parameters = chosen.params.map((text) => ({ type: 'text', text: templateParameter(text) }));
  return { name: chosen.template.name, language: { code: chosen.template.language }, components: [{ type: 'body', parameters }] };
}

/** A template's body is at most 1,024 characters with its parameters: one parameter gets this many. */
const PARAMETER_LIMIT = 700;

function templateParameter(text: string): string {
  const flat = text.replace(/\s*[\r\n\t]+\s*/g, ' ').replace(/ {4,}/g, '   ').trim();
  if (flat === '') return '-';
  return flat.length > PARAMETER_LIMIT ? `${flat.slice(0, PARAMETER_LIMIT - 1)}…` : flat;
}

export function cloudSender(graph: GraphClient, attachments: AttachmentStore, options: CloudSenderOptions): ChannelSender {
  const send = async (to: string, message: OutboundMessage): Promise<string> => {
    let last = '';
    if (message.photo) {
      const { ref, bytes } = await photoToSend(attachments, message.photo);
      const id = await graph.uploadMedia(bytes, ref.contentType, ref.filename ?? 'foto.jpg');
      last = await graph.sendMessage({ to, type: 'image', image: { id } });
    }
    const interactive = interactiveFor(message);
    if (interactive) return graph.sendMessage({ to, type: 'interactive', interactive });
    const text = message.choices?.length ? `${message.text}\n${message.choices.map((c, i) => `${String(i + 1)}. ${c.label}`).join('\n')}` : message.text;
    for (const part of splitText(text, TEXT_LIMIT)) if (part !== '') last = await graph.sendMessage({ to, type: 'text', text: { body: part } });
    return last;
  };

  return {
    channel: 'whatsapp',
    capabilities: WHATSAPP_CAPABILITIES,
    delivery: 'push',
    async send(to, message) {
      try {
        return { providerMessageId: await send(to, message) };
      } catch (error) {
        if (!(error instanceof GraphError && error.code === OUTSIDE_WINDOW)) throw toDeliveryError(error);
        // A template carries no photo: a photo of its own cannot reach the person until they write again.
        if (message.text === '') throw new DeliveryError('outside the 24-hour window: a photo cannot go as a template', true);
        const template = templateFor(message, options.templates ?? {});
        if (!template) throw toDeliveryError(error);
        try {
          return { providerMessageId: await graph.sendMessage({ to, type: 'template', template }) };
        } catch (templateError) {
          throw toDeliveryError(templateError);
        }
      }
    },
  };
}

function interactiveFor(message: OutboundMessage): Record<string, unknown> | undefined {
  const choices = message.choices ?? [];
  if (choices.length === 0 || choices.length > 10 || message.text.length > INTERACTIVE_BODY_LIMIT || message.text === '') return undefined;
  const body = { text: message.text };
  if (choices.length <= 3) {
    return { type: 'button', body, action: { buttons: choices.map((c) => ({ type: 'reply', reply: { id: c.value, title: c.label.slice(0, 20) } })) } };
  }
  return { type: 'list', body, action: { button: 'Pilih', sections: [{ title: 'Pilihan', rows: choices.map((c) => ({ id: c.value, title: c.label.slice(0, 24) })) }] } };
}

function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof GraphError) {
    const limit = error.code === undefined ? undefined : RATE_LIMITS.get(error.code);
    if (limit) return new DeliveryError(error.message, false, limit.ms, limit.pause);
    if (error.status === 429) return new DeliveryError(error.message, false, 5_000, 'channel');
    if (error.status >= 500) return new DeliveryError(error.message, false);
    return new DeliveryError(error.message, true);
  }
  return new DeliveryError(error instanceof Error ? error.message : String(error), false);
}
