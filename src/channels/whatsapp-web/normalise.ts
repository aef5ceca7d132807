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
  | { readonly kind: 'message'; readonly message: InboundMessage; readonly needsMedia: boolean }
  | { readonly kind: 'ignored'; readonly reason: string };

const UNSUPPORTED = new Set(['ptt', 'audio', 'video', 'sticker', 'gif', 'poll_creation', 'product', 'order', 'list', 'buttons_response', 'multi_vcard']);

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
    case 'location': {
      const latitude = Number(m.location?.latitude);
      const longitude = Number(m.location?.longitude);
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
