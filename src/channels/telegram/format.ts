// Outbound messages to Bot API parameters: pure, no I/O.
import type { OutboundMessage } from '../../conversation/messages.js';

/** The Bot API refuses longer texts. */
export const TELEGRAM_TEXT_LIMIT = 4096;

interface KeyboardButton {
  text: string;
  request_contact?: true;
  request_location?: true;
}
export type ReplyMarkup = { keyboard: KeyboardButton[][]; resize_keyboard: true; one_time_keyboard: true } | { remove_keyboard: true };

/** Choices become a reply keyboard (two per row); a request becomes a share button; otherwise the keyboard is removed. */
export function replyMarkup(message: OutboundMessage): ReplyMarkup {
  const rows: KeyboardButton[][] = [];
  if (message.request) {
    const label = message.requestLabel ?? (message.request === 'contact' ? '📱 Kirim nomor HP saya' : '📍 Kirim lokasi saya');
    rows.push([message.request === 'contact' ? { text: label, request_contact: true } : { text: label, request_location: true }]);
  }
  const choices = message.choices ?? [];
  for (let i = 0; i < choices.length; i += 2) rows.push(choices.slice(i, i + 2).map((c) => ({ text: c.label })));
  return rows.length > 0 ? { keyboard: rows, resize_keyboard: true, one_time_keyboard: true } : { remove_keyboard: true };
}
