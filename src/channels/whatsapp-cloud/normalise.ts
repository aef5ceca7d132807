// WhatsApp Cloud API webhook payloads to InboundMessages and delivery
// statuses: pure, no I/O. Media is described (its id) and fetched by the adapter.
import type { InboundMessage } from '../../conversation/messages.js';

export interface CloudMessage {
  from: string;
  id: string;
  timestamp: string;
  type: string;
  text?: { body: string };
  image?: { id: string; mime_type?: string; caption?: string };
  document?: { id: string; mime_type?: string; caption?: string; filename?: string };
  location?: { latitude?: number; longitude?: number; name?: string; address?: string };
  audio?: { id: string; mime_type?: string; voice?: boolean };
  interactive?: { type: string; button_reply?: { id: string; title: string }; list_reply?: { id: string; title: string } };
  button?: { text: string; payload?: string };
  contacts?: { phones?: { phone?: string; wa_id?: string }[]; name?: { formatted_name?: string } }[];
}

export interface CloudStatus {
  id: string;
  status: string;
  timestamp: string;
  recipient_id?: string;
  errors?: { code: number; title?: string }[];
}

export interface CloudWebhook {
  object?: string;
  entry?: { changes?: { field?: string; value?: { messages?: CloudMessage[]; statuses?: CloudStatus[]; contacts?: { wa_id: string; profile?: { name?: string } }[] } }[] }[];
}

export interface NormalisedCloudMessage {
  readonly message: InboundMessage;
  readonly mediaId?: string;
  /** The media is a voice note (kept for the operators), with its type. */
  readonly voice?: { readonly contentType: string };
}

export function normaliseWebhook(payload: CloudWebhook): { messages: NormalisedCloudMessage[]; statuses: CloudStatus[] } {
  const messages: NormalisedCloudMessage[] = [];
  const statuses: CloudStatus[] = [];
  for (const change of (payload.entry ?? []).flatMap((e) => e.changes ?? [])) {
    const value = change.value;
    if (!value) continue;
    statuses.push(...(value.statuses ?? []));
    for (const raw of value.messages ?? []) {
      const name = value.contacts?.find((c) => c.wa_id === raw.from)?.profile?.name;
      messages.push(normaliseMessage(raw, name));
    }
  }
  return { messages, statuses };
}

function normaliseMessage(raw: CloudMessage, name: string | undefined): NormalisedCloudMessage {
  const base: InboundMessage = {
    channel: 'whatsapp',
    channelUserId: raw.from,
    messageId: raw.id,
    at: new Date(Number(raw.timestamp) * 1_000),
    // The number a WhatsApp message comes from is the sender's own.
    sender: { phone: `+${raw.from}`, ...(name ? { name } : {}) },
  };
  switch (raw.type) {
    case 'text':
      return { message: { ...base, text: raw.text?.body ?? '' } };
    case 'interactive': {
      // The id is the choice's value; the title may have been shortened to WhatsApp's limits.
      const reply = raw.interactive?.button_reply ?? raw.interactive?.list_reply;
      return { message: { ...base, text: reply?.id ?? '' } };
    }
    case 'button':
      return { message: { ...base, text: raw.button?.text ?? '' } };
    case 'location': {
      const l = raw.location;
      // A pin without coordinates happens (a shared place that failed to resolve): the person is asked again.
      if (l?.latitude === undefined || l.longitude === undefined) return { message: { ...base, unsupported: 'location' } };
      const address = [l.name, l.address].filter(Boolean).join(', ');
      return { message: { ...base, location: { latitude: l.latitude, longitude: l.longitude, ...(address ? { address } : {}) } } };
    }
    case 'audio': {
      // The flows cannot read it, but an operator can listen to it.
      if (!raw.audio) return { message: { ...base, unsupported: 'voice' } };
      return { message: { ...base, unsupported: 'voice' }, mediaId: raw.audio.id, voice: { contentType: raw.audio.mime_type ?? 'audio/ogg' } };
    }
    case 'image':
      return raw.image ? { message: { ...base, ...(raw.image.caption ? { text: raw.image.caption } : {}) }, mediaId: raw.image.id } : { message: { ...base, unsupported: 'image' } };
    case 'document':
      return raw.document?.mime_type?.startsWith('image/')
        ? { message: { ...base, ...(raw.document.caption ? { text: raw.document.caption } : {}) }, mediaId: raw.document.id }
        : { message: { ...base, unsupported: 'document' } };
    case 'contacts': {
      const phone = raw.contacts?.[0]?.phones?.[0];
      if (!phone?.phone) return { message: { ...base, unsupported: 'contacts' } };
      return { message: { ...base, contact: { phone: phone.phone, own: phone.wa_id === raw.from, ...(raw.contacts?.[0]?.name?.formatted_name ? { name: raw.contacts[0].name.formatted_name } : {}) } } };
    }
    default:
      return { message: { ...base, unsupported: raw.type } };
  }
}
