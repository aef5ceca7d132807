// A story told over several quick messages, through the router on the real
// database: the parts become one description.
import { describe, expect, it } from 'vitest';
import { createRig, type Person, texts } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);

async function toDescription(person: Person): Promise<void> {
  for (const answer of ['halo', '1', 'Budi Santoso', '0812-3456-7890', 'Jl. Merdeka No. 10, Sukamaju', '1']) await person.say(answer);
}

describe('a story in several messages', () => {
  it('a second message right after the description joins it, even though the photo question was asked', async () => {
    const rig = await createRig(db);
    const budi = rig.person();
    await toDescription(budi);
    expect(texts(await budi.say('Jalan berlubang besar di depan SDN 3.'))).toContain('Kirim foto');
    expect(await budi.say('Sudah dua minggu, kemarin ada motor jatuh.')).toEqual([]); // no "please send a photo" scolding
    await budi.say('selesai');
    const summary = texts(await budi.say('Jl. Merdeka depan SDN 3'));
    expect(summary).toContain('Jalan berlubang besar di depan SDN 3.\nSudah dua minggu, kemarin ada motor jatuh.');
  });

  it('a first part too short to be a description is kept and joined with the next', async () => {
    const rig = await createRig(db);
    const sari = rig.person();
    await toDescription(sari);
    expect(texts(await sari.say('Lubang'))).toMatch(/terlalu singkat|minimal|jelaskan/i);
    expect(texts(await sari.say('besar di depan pasar'))).toContain('Kirim foto');
    await sari.say('selesai');
    expect(texts(await sari.say('Pasar Baru'))).toContain('Lubang\nbesar di depan pasar');
  });

  it('after the join window a text at the photo question is an answer to that question again', async () => {
    const rig = await createRig(db, { configure: (c) => { c.conversation.joinWindow = 0; } });
    const dewi = rig.person();
    await toDescription(dewi);
    await dewi.say('Jalan berlubang besar di depan SDN 3.');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(texts(await dewi.say('Sudah dua minggu.'))).toMatch(/foto|SELESAI/);
  });
});
