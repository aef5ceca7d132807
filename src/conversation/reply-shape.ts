// Replies as the channel can take them: one email per turn, not one per
// sentence; choices as a numbered list where there are no buttons.
import type { ChannelCapabilities, OutboundMessage } from './messages.js';

export function shapeForChannel(replies: readonly OutboundMessage[], capabilities: ChannelCapabilities): OutboundMessage[] {
  const merged = capabilities.oneShot ? mergeTexts(replies) : [...replies];
  return capabilities.buttons ? merged : merged.map(withNumberedChoices);
}

/** Consecutive text-only replies as one message, paragraphs apart; a photo stays a message of its own. */
function mergeTexts(replies: readonly OutboundMessage[]): OutboundMessage[] {
  const merged: OutboundMessage[] = [];
  for (const reply of replies) {
    const last = merged.at(-1);
    const plain = (m: OutboundMessage) => m.photo === undefined && m.request === undefined;
    if (last && plain(last) && plain(reply)) {
      merged[merged.length - 1] = { text: `${last.text}\n\n${reply.text}`, ...(last.choices || reply.choices ? { choices: [...(last.choices ?? []), ...(reply.choices ?? [])] } : {}) };
    } else {
      merged.push(reply);
    }
  }
  return merged;
}

/** Channels without buttons get the choices as a numbered list in the text. */
function withNumberedChoices(message: OutboundMessage): OutboundMessage {
  if (!message.choices?.length) return message;
  const list = message.choices.map((c, i) => `${String(i + 1)}. ${c.label}`).join('\n');
  const { choices: _choices, ...rest } = message;
  return { ...rest, text: `${message.text}\n${list}` };
}
