import { describe, expect, it } from 'vitest';
import { replyMarkup } from '../../../src/channels/telegram/format.js';
import { splitText } from '../../../src/outbox/split-text.js';
import { normaliseUpdate } from '../../../src/channels/telegram/normalise.js';

const from = { id: 7, is_bot: false, first_name: 'Sari', last_name: 'Dewi' };
const update = (content: Record<string, unknown>, chat: Record<string, unknown> = { id: 7, type: 'private', first_name: 'Sari' }) =>
  ({ update_id: 1, message: { message_id: 10, date: 1_764_000_000, chat, from, ...content } }) as never;
const options = { allowGroups: false };

describe('normaliseUpdate', () => {
  it('keeps text, sender name and a stable message id', () => {
    expect(normaliseUpdate(update({ text: 'halo' }), options)).toEqual({
      kind: 'message',
      message: { channel: 'telegram', channelUserId: '7', messageId: '7:10', at: new Date(1_764_000_000_000), sender: { name: 'Sari Dewi' }, text: 'halo' },
    });
  });

  it('takes a shared contact as the sender’s own only when its user id is the sender’s', () => {
    const own = normaliseUpdate(update({ contact: { phone_number: '6281200001111', first_name: 'Sari', user_id: 7 } }), options);
    const other = normaliseUpdate(update({ contact: { phone_number: '6281299990000', first_name: 'Ibu', user_id: 8 } }), options);
    const noId = normaliseUpdate(update({ contact: { phone_number: '6281299990000', first_name: 'Ibu' } }), options);
    expect(own).toMatchObject({ message: { contact: { phone: '6281200001111', own: true } } });
    expect(other).toMatchObject({ message: { contact: { own: false } } });
    expect(noId).toMatchObject({ message: { contact: { own: false } } });
  });

  it('takes locations and venues, the largest photo with its caption, and images sent as files', () => {
    expect(normaliseUpdate(update({ location: { latitude: -6.2, longitude: 106.8 } }), options)).toMatchObject({ message: { location: { latitude: -6.2, longitude: 106.8 } } });
    expect(normaliseUpdate(update({ venue: { location: { latitude: -6.1, longitude: 106.7 }, title: 'Pasar Baru', address: 'Jl. Pasar 1' } }), options)).toMatchObject({
      message: { location: { latitude: -6.1, longitude: 106.7, address: 'Pasar Baru, Jl. Pasar 1' } },
    });
    expect(normaliseUpdate(update({ photo: [{ file_id: 'small' }, { file_id: 'large', file_size: 900 }], caption: 'depan sekolah' }), options)).toMatchObject({
      message: { text: 'depan sekolah' },
      media: { fileId: 'large', size: 900 },
    });
    expect(normaliseUpdate(update({ document: { file_id: 'doc', mime_type: 'image/png', file_name: 'a.png' } }), options)).toMatchObject({ media: { fileId: 'doc', filename: 'a.png' } });
    expect(normaliseUpdate(update({ document: { file_id: 'pdf', mime_type: 'application/pdf' } }), options)).toMatchObject({ message: { unsupported: 'document' } });
  });

  it('marks stickers, voice, video and polls unsupported and ignores groups unless allowed', () => {
    for (const kind of ['sticker', 'voice', 'video', 'poll']) expect(normaliseUpdate(update({ [kind]: {} }), options)).toMatchObject({ message: { unsupported: kind } });
    const group = update({ text: 'halo' }, { id: -5, type: 'supergroup', title: 'Warga' });
    expect(normaliseUpdate(group, options)).toEqual({ kind: 'ignored', reason: 'group chat' });
    expect(normaliseUpdate(group, { allowGroups: true })).toMatchObject({ kind: 'message' });
  });
});

describe('format', () => {
  it('splits long texts at boundaries, never above the limit', () => {
    const text = `${'a'.repeat(3000)}\n\n${'b'.repeat(3000)} ${'c'.repeat(3000)}`;
    const parts = splitText(text, 4096);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join('')).toBe(text.replace(/\s+/g, ''));
    expect(splitText('pendek', 4096)).toEqual(['pendek']);
    expect(splitText('x'.repeat(9000), 4096).map((p) => p.length)).toEqual([4096, 4096, 808]);
  });

  it('turns choices and requests into keyboards and removes the keyboard otherwise', () => {
    expect(replyMarkup({ text: 'x', choices: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }, { value: 'c', label: 'C' }] })).toEqual({
      keyboard: [[{ text: 'A' }, { text: 'B' }], [{ text: 'C' }]],
      resize_keyboard: true,
      one_time_keyboard: true,
    });
    expect(replyMarkup({ text: 'x', request: 'location', requestLabel: '📍 Lokasi' })).toMatchObject({ keyboard: [[{ text: '📍 Lokasi', request_location: true }]] });
    expect(replyMarkup({ text: 'x' })).toEqual({ remove_keyboard: true });
  });
});
