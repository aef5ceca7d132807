// Answering an operator, through the real router on the test database: the
// answer joins the ticket's thread and is thanked once per operator message;
// the lines the person adds after it join the thread without another thanks.
import { describe, expect, it } from 'vitest';
import { operatorMessage } from '../../src/conversation/handlers/operator-chat.js';
import { messageModel } from '../../src/storage/models/message.js';
import { createRig, texts } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);
const THANKS = 'Terima kasih, pesan Anda sudah kami teruskan ke petugas.';

describe('answers to an operator', () => {
  it('are thanked once per operator message, not once per line', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    const number = 'ADU-2612-00077';
    const write = (text: string) => rig.router.notify({ channel: p.channel, channelUserId: p.id }, operatorMessage(number, text, new Date(Date.now() + 3_600_000)), { ticketNumber: number, author: 'operator:siti' });

    await write('Bu, lubangnya di sisi mana?');
    expect(texts(await p.replies())).toContain('Bu, lubangnya di sisi mana?');
    // Their first message on this channel: the privacy notice comes with the thanks (handlers/privacy.ts).
    expect(await p.say('Sisi kiri')).toEqual([{ text: expect.stringMatching(new RegExp(`^${THANKS}\n\nPemberitahuan privasi`)) as string }]);
    expect(await p.say('dekat tiang listrik')).toEqual([]);
    expect(await p.send({ text: 'ini fotonya', location: { latitude: -6.2, longitude: 106.8 } })).toEqual([]);

    await write('Terima kasih. Sejak kapan?');
    await p.replies();
    expect(await p.say('Sejak minggu lalu')).toEqual([{ text: THANKS }]);
    expect(await p.say('waktu hujan deras')).toEqual([]);

    // Two operator messages before the person answers: one answer, one thanks.
    await write('Satu lagi:');
    await write('ada korban?');
    await p.replies();
    expect(await p.say('Tidak ada')).toEqual([{ text: THANKS }]);
    expect(await p.say('untungnya')).toEqual([]);

    const answers = await messageModel(db.connection).find({ conversationKey: p.key, direction: 'in' }).lean();
    expect(answers.map((m) => m.ticketNumber)).toEqual(Array(answers.length).fill(number));
    const thanks = await messageModel(db.connection).find({ conversationKey: p.key, direction: 'out', text: new RegExp(`^${THANKS}`) }).lean();
    expect(thanks.map((m) => m.ticketNumber)).toEqual([number, number, number]); // in the ticket's thread too

    // A command still leaves the operator's thread and is answered as always.
    expect(texts(await p.say('menu'))).toContain('Silakan pilih layanan');
  });

  it('marks the operator\'s message for the operatorReply template (number and text)', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await rig.router.notify({ channel: p.channel, channelUserId: p.id }, operatorMessage('ADU-2612-00078', 'Mohon kirim foto\nlokasinya.', new Date(Date.now() + 60_000)));
    expect((await p.replies())[0]?.notice).toEqual({ kind: 'operatorReply', params: ['ADU-2612-00078', 'Mohon kirim foto\nlokasinya.'] });
  });
});
