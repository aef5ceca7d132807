// Delivers outbound messages through the Bot API: text with reply keyboards,
// photos uploaded as bytes (Telegram never has to fetch from us), long texts
// split. Errors become DeliveryErrors the outbox understands: 429 with its
// retry_after, 403 (blocked by the user) and 400 as permanent, the rest retried.
import type { Telegram } from 'telegraf';
import type { ChannelCapabilities } from '../../conversation/messages.js';
import { DeliveryError, type ChannelSender, photoToSend } from '../../outbox/sender.js';
import type { AttachmentStore } from '../../storage/attachments.js';
import { splitText } from '../../outbox/split-text.js';
import { replyMarkup, TELEGRAM_TEXT_LIMIT } from './format.js';

export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  knowsPhone: false,
  canRequestContact: true,
  canRequestLocation: true,
  buttons: true,
  oneShot: false,
};

export function telegramSender(telegram: Telegram, attachments: AttachmentStore): ChannelSender {
  return {
    channel: 'telegram',
    capabilities: TELEGRAM_CAPABILITIES,
    delivery: 'push',
    async send(chatId, message) {
      try {
        let last: { message_id: number } | undefined;
        if (message.photo) {
          const { ref, bytes } = await photoToSend(attachments, message.photo);
          last = await telegram.sendPhoto(chatId, { source: bytes, filename: ref.filename ?? 'foto.jpg' });
        }
        const parts = splitText(message.text, TELEGRAM_TEXT_LIMIT);
        for (const [i, part] of parts.entries()) {
          if (part === '') continue;
          const final = i === parts.length - 1;
          last = await telegram.sendMessage(chatId, part, final ? { reply_markup: replyMarkup(message) } : {});
        }
        return last ? { providerMessageId: String(last.message_id) } : {};
      } catch (error) {
        throw toDeliveryError(error);
      }
    },
  };
}

export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const telegramError = error as { response?: { error_code?: number; description?: string; parameters?: { retry_after?: number } } };
  const code = telegramError.response?.error_code;
  const description = telegramError.response?.description ?? (error instanceof Error ? error.message : String(error));
  // A 429 limits the bot, not this message: the whole channel waits out `retry_after`.
  if (code === 429) return new DeliveryError(`429 ${description}`, false, (telegramError.response?.parameters?.retry_after ?? 5) * 1_000, 'channel');
  if (code === 403 || code === 400) return new DeliveryError(`${String(code)} ${description}`, true);
  return new DeliveryError(code ? `${String(code)} ${description}` : description, false);
}
