// whatsapp-web.js messages to InboundMessages: pure, no I/O. The shape is the
// subset of the library's `Message` the adapter reads.
import type { InboundMessage } from '../../conversation/messages.js';

export interface WebMessageLike {
  readonly from: string;
  readonly id: { readonly _serialized: string };
  readonly timestamp: number;
  readonly type: string;
  readonly body: string;
  readonly hasMedia: boolean;
  readonly fromMe: boolean;
  readonly isStatus?: boolean;
  readonly location?: { readonly latitude: number | string; readonly longitude: number | string; readonly description?: string };
  readonly vCards?: readonly string[];
}

export type NormalisedWebMessage =
  /** `voice`: the media is a voice note, kept for the operators (the flows cannot read it). */
  | { readonly kind: 'message'; readonly message: InboundMessage; readonly needsMedia: boolean; readonly voice?: boolean }
  | { readonly kind: 'ignored'; readonly reason: string };

const UNSUPPORTED = new Set(['video', 'sticker', 'gif', 'poll_creation', 'product', 'order', 'list', 'buttons_response', 'multi_vcard']);

/** A coordinate as whatsapp-web.js gives it (a number or a string); an empty one is missing, not 0. */
function coordinate(value: number | string | undefined): number {
  if (typeof value === 'number') return value;
  return value === undefined || value.trim() === '' ? Number.NaN : Number(value);
}

export function normaliseWebMessage(m: WebMessageLike): NormalisedWebMessage {
  if (m.fromMe) return { kind: 'ignored', reason: 'own message' };
  if (m.isStatus === true || m.from === 'status@broadcast') return { kind: 'ignored', reason: 'status broadcast' };
  if (!/@(c\.us|lid)$/.test(m.from)) return { kind: 'ignored', reason: 'group, channel or broadcast' };
  const phone = m.from.endsWith('@c.us') ? `+${m.from.split('@')[0] ?? ''}` : undefined;
  const base: InboundMessage = {
    channel: 'whatsapp',
    channelUserId: m.from,
    messageId: m.id._serialized,
    at: new Date(m.timestamp * 1_000),
    ...(phone ? { sender: { phone } } : {}),
  };
  switch (m.type) {
    case 'chat':
      return { kind: 'message', message: { ...base, text: m.body }, needsMedia: false };
    case 'ptt':
    case 'audio':
      return { kind: 'message', message: { ...base, unsupported: 'voice' }, needsMedia: m.hasMedia, voice: true };
    case 'location': {
      const latitude = coordinate(m.location?.latitude);
      const longitude = coordinate(m.location?.longitude);
      // A pin without coordinates happens (a shared place that failed to resolve): the person is asked again.
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return { kind: 'message', message: { ...base, unsupported: 'location' }, needsMedia: false };
      const address = m.location?.description?.replace(/\s+/g, ' ').trim();
      return { kind: 'message', message: { ...base, location: { latitude, longitude, ...(address ? { address } : {}) } }, needsMedia: false };
    }
    case 'image':
    case 'document':
      // Documents are photos only if their bytes say so (checked when stored).
      return { kind: 'message', message: { ...base, ...(m.body ? { text: m.body } : {}) }, needsMedia: m.hasMedia };
    case 'vcard': {
      const card = m.vCards?.[0] ?? m.body;
      const tel = /TEL[^:\n]*?(?:waid=(\d+))?[^:\n]*:([+\d\s-]+)/i.exec(card);
      if (!tel?.[2]) return { kind: 'message', message: { ...base, unsupported: 'vcard' }, needsMedia: false };
      const name = /^FN:(.+)$/m.exec(card)?.[1]?.trim();
      const own = tel[1] !== undefined && phone === `+${tel[1]}`;
      return { kind: 'message', message: { ...base, contact: { phone: tel[2].trim(), own, ...(name ? { name } : {}) } }, needsMedia: false };
    }
    default:
      if (UNSUPPORTED.has(m.type)) return { kind: 'message', message: { ...base, unsupported: m.type }, needsMedia: false };
      return { kind: 'ignored', reason: `system message (${m.type})` };
  }
}
