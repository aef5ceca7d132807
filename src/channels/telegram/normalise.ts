// Telegram updates to the normalised InboundMessage: pure, no I/O. Media is
// described here (which file to fetch) and downloaded by the adapter.
import type { Update } from 'telegraf/types';
import type { InboundMessage } from '../../conversation/messages.js';

export type TelegramMessage = NonNullable<Update.MessageUpdate['message']>;

/** A file the adapter must download before the message can be handed on. */
export interface MediaToFetch {
  readonly fileId: string;
  readonly size?: number;
  readonly filename?: string;
  /** A voice note (kept for the operators) rather than a photo; with the type Telegram gives. */
  readonly voice?: { readonly contentType: string };
}

export type Normalised =
  | { readonly kind: 'message'; readonly message: InboundMessage; readonly media?: MediaToFetch }
  | { readonly kind: 'ignored'; readonly reason: string };

const UNSUPPORTED = ['sticker', 'voice', 'video', 'video_note', 'audio', 'animation', 'poll', 'dice', 'game', 'story'] as const;

export interface NormaliseOptions {
  /** Messages from groups and channels are ignored unless this is set. */
  readonly allowGroups: boolean;
}

export function normaliseUpdate(update: Update, options: NormaliseOptions): Normalised {
  if ('edited_message' in update) {
    const edited = update.edited_message;
    // An edit cannot change an answer already taken; say so instead of silently ignoring it.
    return {
      kind: 'message',
      message: base(edited, `edit:${String(edited.chat.id)}:${String(edited.message_id)}:${String(edited.edit_date)}`, { unsupported: 'edit' }),
    };
  }
  if (!('message' in update)) return { kind: 'ignored', reason: 'not a message' };
  const message = update.message;
  if (message.chat.type !== 'private' && !options.allowGroups) return { kind: 'ignored', reason: 'group chat' };
  const id = `${String(message.chat.id)}:${String(message.message_id)}`;

  if ('text' in message) return { kind: 'message', message: base(message, id, { text: message.text }) };
  const caption = 'caption' in message && message.caption ? { text: message.caption } : {};

  if ('contact' in message) {
    const own = message.contact.user_id !== undefined && message.contact.user_id === message.from.id;
    return { kind: 'message', message: base(message, id, { contact: { phone: message.contact.phone_number, name: message.contact.first_name, own } }) };
  }
  if ('venue' in message) {
    const { location, title, address } = message.venue;
    return { kind: 'message', message: base(message, id, { location: { latitude: location.latitude, longitude: location.longitude, address: `${title}, ${address}` } }) };
  }
  if ('location' in message) {
    return { kind: 'message', message: base(message, id, { location: { latitude: message.location.latitude, longitude: message.location.longitude } }) };
  }
  if ('photo' in message) {
    // Sizes come smallest first; the last is the original resolution.
    const largest = message.photo.at(-1);
    if (!largest) return { kind: 'ignored', reason: 'photo without sizes' };
    return { kind: 'message', message: base(message, id, caption), media: { fileId: largest.file_id, ...(largest.file_size ? { size: largest.file_size } : {}) } };
  }
  if ('document' in message) {
    const { document } = message;
    // Images sent "as a file" keep their full quality; anything else is checked by its bytes anyway.
    if (document.mime_type?.startsWith('image/')) {
      return {
        kind: 'message',
        message: base(message, id, caption),
        media: { fileId: document.file_id, ...(document.file_size ? { size: document.file_size } : {}), ...(document.file_name ? { filename: document.file_name } : {}) },
      };
    }
    return { kind: 'message', message: base(message, id, { unsupported: 'document' }) };
  }
  if ('voice' in message || 'audio' in message) {
    // The flows cannot read it, but an operator can listen to it: fetched and kept with the message.
    const file = 'voice' in message ? message.voice : message.audio;
    return {
      kind: 'message',
      message: base(message, id, { unsupported: 'voice' }),
      media: { fileId: file.file_id, ...(file.file_size ? { size: file.file_size } : {}), voice: { contentType: file.mime_type ?? 'audio/ogg' } },
    };
  }
  const kind = UNSUPPORTED.find((k) => k in message) ?? 'other';
  return { kind: 'message', message: base(message, id, { unsupported: kind }) };
}

function base(message: TelegramMessage | Update.EditedMessageUpdate['edited_message'], messageId: string, content: Partial<InboundMessage>): InboundMessage {
  return {
    channel: 'telegram',
    channelUserId: String(message.chat.id),
    messageId,
    at: new Date(message.date * 1_000),
    ...(message.from.first_name ? { sender: { name: [message.from.first_name, message.from.last_name].filter(Boolean).join(' ') } } : {}),
    ...content,
  };
}
