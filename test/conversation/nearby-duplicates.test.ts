// Nearby duplicates in the conversation (issue #16): a report pinned close to
// an open ticket of the same category is offered that ticket; "ya" makes the
// citizen its follower (no new ticket, their words and photos kept on it, their
// messages in its thread); "tidak" opens a new ticket as before. Through the
// real router on the embedded database. Each test reports at its own spot, a
// few kilometres from the others, so they cannot see each other's tickets.
import { describe, expect, it } from 'vitest';
import { databaseEngine } from '../../src/storage/engine.js';
import { geoCellModel } from '../../src/storage/models/geo-cell.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { backfillNearby, relistNearby } from '../../src/storage/ticket-followers.js';
import { mongoTicketStore } from '../../src/storage/ticket-store.js';
import { mongoInboxStore } from '../../src/storage/inbox-store.js';
import type { Ticket } from '../../src/tickets/model.js';
import { createRig, type Person, type Rig, type RigOptions, texts, TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { fakeJpeg } from '../support/images.js';

const db = useTestDatabase(import.meta.filename);
const ticketOf = (number: string) => ticketModel(db.connection).findById(number).lean<Ticket>();
const countTickets = () => ticketModel(db.connection).countDocuments();
const countPinnedSince = (since: Date) => ticketModel(db.connection).countDocuments({ createdAt: { $gte: since }, 'location.latitude': { $exists: true } });

/** About 1.1 m of latitude per 0.00001°. */
const METRE = 0.000_009_0;
let spots = 0;
/** A place of its own for each test (about 2 km apart). */
const newSpot = () => ({ latitude: -6.9 - 0.02 * ++spots, longitude: 107.6 });
const north = (spot: { latitude: number; longitude: number }, metres: number) => ({ latitude: spot.latitude + metres * METRE, longitude: spot.longitude });

interface Report {
  readonly name?: string;
  /** The category's number in the menu: 1 jalan rusak, 2 sampah… */
  readonly category?: string;
  readonly description?: string;
  readonly location: { latitude: number; longitude: number } | string;
  readonly photo?: boolean;
}

/** A report up to the question after its location; returns the replies to the location. */
async function reportUpToLocation(rig: Rig, person: Person, report: Report): Promise<string> {
  for (const text of ['halo', '1', report.name ?? 'Sari Wulandari', '081211112222', 'Jl. Anggrek 7, RT 01/RW 02', report.category ?? '1', report.description ?? 'Jalan berlubang dalam di depan warung Bu Tini, motor sering jatuh.']) await person.say(text);
  if (report.photo) await person.send({ photos: [{ ref: await rig.storage.attachments.saveImage({ bytes: fakeJpeg(2_500, person.id.length) }) }] });
  await person.say('selesai');
  return texts(typeof report.location === 'string' ? await person.say(report.location) : await person.send({ location: report.location }));
}

/** A whole report answered "ya" at the summary (and "tidak" to a nearby ticket, if one is offered); the ticket number. */
async function openTicket(rig: Rig, report: Report): Promise<string> {
  const person = rig.person();
  let asked = await reportUpToLocation(rig, person, report);
  if (asked.includes('Sudah ada laporan serupa')) asked = texts(await person.say('tidak'));
  expect(asked).toContain('Ringkasan laporan Anda');
  const number = TICKET_NUMBER.exec(texts(await person.say('ya')))?.[0];
  if (!number) throw new Error('no ticket number');
  return number;
}

async function rigWith(options: RigOptions = {}): Promise<Rig> {
  return createRig(db, options);
}

describe('nearby duplicates: the same problem reported again', () => {
  it('a report 30 m from an open ticket of the same category is offered it; "ya" follows it: no new ticket, the report kept on it', async () => {
    const rig = await rigWith();
    const spot = newSpot();
    const first = await openTicket(rig, { location: spot, description: 'Jalan berlubang dalam di depan warung Bu Tini, motor sering jatuh, sudah tiga minggu belum ditambal juga.' });
    expect((await ticketOf(first))?.geo).toEqual({ type: 'Point', coordinates: [spot.longitude, spot.latitude] });
    // On the embedded database it is also listed in its grid cell of the size a 50 m search reads, read by key at the next search (geo-cells.ts).
    if ((await databaseEngine(db.connection)) === 'ferretdb') expect((await geoCellModel(db.connection).find({ 'tickets.number': first }, { _id: 1 }).lean()).map((c) => c._id.split(':')[0])).toEqual(['1']);
    const before = await countTickets();

    const rina = rig.person();
    const offer = await reportUpToLocation(rig, rina, { name: 'Rina Marlina', location: north(spot, 30), description: 'Ada lubang besar di jalan dekat warung, bahaya untuk anak sekolah.', photo: true });
    expect(offer).toContain('Sudah ada laporan serupa di dekat lokasi Anda');
    expect(offer).toContain(`${first} — Jalan berlubang dalam di depan warung Bu Tini, motor sering jatuh, sudah tiga…`);
    expect(offer).toContain('Status: Menunggu tanggapan');
    expect(offer).toMatch(/Jarak: ± (29|30|31) m dari titik Anda/);
    expect(offer).toContain('Apakah ini masalah yang sama?');
    expect(offer).not.toContain('Ringkasan laporan'); // the summary waits for the answer

    const joined = texts(await rina.say('ya, sama'));
    expect(joined).toContain(`laporan Anda kami gabungkan ke tiket ${first}`);
    expect(joined).toContain(`STATUS ${first}`);
    // The page of the ticket they follow now, like the reply that opens a ticket.
    expect(joined).toMatch(new RegExp(`/t/${first}\\?k=[\\w-]{20,}`));
    expect(await countTickets()).toBe(before);

    const ticket = await ticketOf(first);
    expect(ticket?.followerCount).toBe(1);
    expect(ticket?.followers).toHaveLength(1);
    expect(ticket?.followers?.[0]).toMatchObject({
      channel: 'webchat',
      channelUserId: rina.id,
      name: 'Rina Marlina',
      phone: '+6281211112222',
      via: 'nearby',
      description: 'Ada lubang besar di jalan dekat warung, bahaya untuk anak sekolah.',
      location: north(spot, 30),
      intake: { conversationKey: rina.key },
    });
    expect(ticket?.followers?.[0]?.attachments).toHaveLength(1);
    expect(ticket?.version).toBe(0); // following is no step of the life cycle

    // The follower may ask for its status, and her report's messages are in the ticket's thread for the operators.
    expect(texts(await rina.say(`STATUS ${first}`))).toContain('Status: Menunggu tanggapan');
    if (!ticket) throw new Error('no ticket');
    const thread = await mongoInboxStore(db.connection).thread(ticket, 1_000);
    expect(thread.filter((m) => m.conversationKey === rina.key && m.direction === 'in').map((m) => m.text)).toContain('Ada lubang besar di jalan dekat warung, bahaya untuk anak sekolah.');
    expect(thread.some((m) => m.conversationKey === rina.key && (m.photos?.length ?? 0) > 0)).toBe(true);
    expect(thread.some((m) => m.conversationKey === rina.key && m.direction === 'out' && m.text?.includes('gabungkan ke tiket'))).toBe(true);

    // Her next report is a report of its own, not part of that ticket.
    expect(texts(await rina.say('halo'))).toContain('Selamat datang');
  });

  it('"tidak": a new ticket as today, with its own location stored for the next search', async () => {
    const rig = await rigWith();
    const spot = newSpot();
    const first = await openTicket(rig, { location: spot });
    const dodi = rig.person();
    expect(await reportUpToLocation(rig, dodi, { location: north(spot, 10) })).toContain(first);
    const summary = texts(await dodi.say('tidak'));
    expect(summary).toContain('Ringkasan laporan Anda');
    const number = TICKET_NUMBER.exec(texts(await dodi.say('ya')))?.[0] ?? '';
    expect(number).not.toBe(first);
    expect(await ticketOf(number)).toMatchObject({ status: 'open', category: 'jalan_rusak', reporter: { channelUserId: dodi.id } });
    expect((await ticketOf(first))?.followers).toBeUndefined();
  });

  it('not offered: 80 m away, another category, a typed address, or switched off', async () => {
    const rig = await rigWith();
    const spot = newSpot();
    await openTicket(rig, { location: spot });

    expect(await reportUpToLocation(rig, rig.person(), { location: north(spot, 80) })).toContain('Ringkasan laporan Anda');
    expect(await reportUpToLocation(rig, rig.person(), { location: north(spot, 5), category: '2', description: 'Sampah menumpuk di pinggir jalan dekat warung Bu Tini.' })).toContain('Ringkasan laporan Anda');
    // Typed addresses carry no coordinates: not matched, even the very words of a pinned report.
    expect(await reportUpToLocation(rig, rig.person(), { location: 'Jl. Anggrek 7 depan warung Bu Tini' })).toContain('Ringkasan laporan Anda');

    const off = await rigWith({ configure: (config) => { config.duplicates.enabled = false; } });
    expect(await reportUpToLocation(off, off.person(), { location: north(spot, 5) })).toContain('Ringkasan laporan Anda');
  });

  it('never the person\'s own ticket: its reporter reporting again at the spot opens another (an operator may merge them)', async () => {
    const rig = await rigWith();
    const spot = newSpot();
    const budi = rig.person();
    await reportUpToLocation(rig, budi, { location: spot });
    const first = TICKET_NUMBER.exec(texts(await budi.say('ya')))?.[0] ?? '';
    // Again, as a returning reporter (their stored details taken with "ya").
    for (const text of ['halo', '1', 'ya', '1', 'Lubangnya makin besar, sudah dua motor jatuh minggu ini.', 'selesai']) await budi.say(text);
    expect(texts(await budi.send({ location: north(spot, 5) }))).toContain('Ringkasan laporan Anda');
    expect(await reportUpToLocation(rig, rig.person(), { location: north(spot, 5) })).toContain(first);
  });

  it('a wider configured radius finds the 80 m one; an older ticket than `within` is not offered', async () => {
    const wide = await rigWith({ configure: (config) => { config.duplicates.radius = 100; } });
    const spot = newSpot();
    const first = await openTicket(wide, { location: spot });
    expect(await reportUpToLocation(wide, wide.person(), { location: north(spot, 80) })).toContain(first);

    await ticketModel(db.connection).updateOne({ _id: first }, { $set: { createdAt: new Date(Date.now() - 31 * 86_400_000) } });
    expect(await reportUpToLocation(wide, wide.person(), { location: north(spot, 80) })).toContain('Ringkasan laporan Anda');
  });

  it('a `within` of years, too many cells to read on the embedded database: it scans, and finds it all the same', async () => {
    const rig = await rigWith({ configure: (config) => { config.duplicates.within = 5 * 365 * 86_400_000; } });
    const spot = newSpot();
    const first = await openTicket(rig, { location: spot });
    expect(await reportUpToLocation(rig, rig.person(), { location: north(spot, 25) })).toContain(first);
  });

  it('offers the nearest of several, and an in-progress one; never a resolved, closed or rejected one', async () => {
    const rig = await rigWith();
    const spot = newSpot();
    const far = await openTicket(rig, { location: north(spot, 40) });
    const near = await openTicket(rig, { location: north(spot, 12) });
    const offer = await reportUpToLocation(rig, rig.person(), { location: spot });
    expect(offer).toContain(near);
    expect(offer).not.toContain(far);

    await rig.tickets.transition(near, 'respond', {}, { actor: 'agency:DPUPR/budi' });
    expect(await reportUpToLocation(rig, rig.person(), { location: spot })).toContain('Status: Sedang ditindaklanjuti');

    // Resolved (waiting for its reporter's confirmation), closed, rejected: over for a newcomer, so a new ticket.
    await rig.tickets.transition(near, 'submitResult', { text: 'Sudah ditambal.' }, { actor: 'agency:DPUPR/budi' });
    await rig.tickets.transition(near, 'validate', {}, { actor: 'operator:siti' });
    await rig.tickets.transition(far, 'reject', {}, { actor: 'operator:siti', note: 'bukan wewenang' });
    expect(await reportUpToLocation(rig, rig.person(), { location: spot })).toContain('Ringkasan laporan Anda');
    await rig.tickets.transition(near, 'confirm', {}, { actor: 'reporter' });
    expect(await reportUpToLocation(rig, rig.person(), { location: spot })).toContain('Ringkasan laporan Anda');
  });

  it('a ticket that moved on between the offer and the "ya": said, and the report goes on as a new ticket', async () => {
    const rig = await rigWith();
    const spot = newSpot();
    const first = await openTicket(rig, { location: spot });
    const eka = rig.person();
    expect(await reportUpToLocation(rig, eka, { location: north(spot, 20) })).toContain(first);
    await rig.tickets.transition(first, 'reject', {}, { actor: 'operator:siti', note: 'duplikat' });
    const answer = texts(await eka.say('ya'));
    expect(answer).toContain(`Tiket ${first} baru saja berubah status`);
    expect(answer).toContain('Ringkasan laporan Anda');
    const number = TICKET_NUMBER.exec(texts(await eka.say('ya')))?.[0] ?? '';
    expect(number).not.toBe(first);
    expect((await ticketOf(first))?.followers).toBeUndefined();
  });

  it('a pinned ticket from before this version is placed at start (backfillNearby) and offered from then on, once', async () => {
    const rig = await rigWith();
    const spot = newSpot();
    const first = await openTicket(rig, { location: spot });
    // As it was stored before: no `geo`, no cells.
    await ticketModel(db.connection).updateOne({ _id: first }, { $unset: { geo: 1 } });
    await geoCellModel(db.connection).deleteMany({ 'tickets.number': first }); // (earlier tests' spots are done with)
    expect(await reportUpToLocation(rig, rig.person(), { location: north(spot, 10) })).toContain('Ringkasan laporan Anda');
    const since = new Date(Date.now() - rig.config.duplicates.within);
    expect(await backfillNearby(db.connection, since)).toBe(1);
    expect(await backfillNearby(db.connection, since)).toBe(0);
    expect(await reportUpToLocation(rig, rig.person(), { location: north(spot, 10) })).toContain(first);
  });

  it('a pin is listed for the radius in force; a radius that reads other cells lists the recent pins there at start (relistNearby), once', async () => {
    const rig = await rigWith();
    const spot = newSpot();
    const first = await openTicket(rig, { location: spot });
    const category = (await ticketOf(first))?.category ?? '';
    const since = new Date(Date.now() - rig.config.duplicates.within);
    const search = (metres: number) =>
      mongoTicketStore(db.connection, metres).nearby({ category, center: north(spot, 200), radiusMetres: metres, since, now: new Date(), statuses: ['open'], limit: 10 });
    const embedded = (await databaseEngine(db.connection)) === 'ferretdb';
    expect(await relistNearby(db.connection, since, 50)).toBe(0); // the first start records the size in force, lists nothing
    // Listed in the 111 m cells only (the 50 m radius): 200 m away, a 300 m search reads the 1.1 km cells and misses it.
    if (embedded) expect((await search(300)).map((t) => t.number)).not.toContain(first);
    expect(await relistNearby(db.connection, since, 300)).toBe(embedded ? await countPinnedSince(since) : 0);
    expect(await relistNearby(db.connection, since, 300)).toBe(0);
    expect((await search(300)).map((t) => t.number)).toContain(first);
    // Back to 50 m: tickets pinned meanwhile were listed in the 1.1 km cells only, so the small ones are filled again.
    expect(await relistNearby(db.connection, since, 50)).toBe(embedded ? await countPinnedSince(since) : 0);
    expect(await reportUpToLocation(rig, rig.person(), { location: north(spot, 10) })).toContain(first);
  });

  it('joining is once per intake message: a retried message adds nobody twice', async () => {
    const rig = await rigWith();
    const spot = newSpot();
    const first = await openTicket(rig, { location: spot });
    const follower = { channel: 'webchat' as const, channelUserId: 'retry-1', at: new Date(), via: 'nearby' as const, intake: { messageId: 'in:webchat:retry-1-9', conversationKey: 'webchat:retry-1', session: 1 } };
    expect(await rig.tickets.addFollower(first, follower)).toBe('added');
    expect(await rig.tickets.addFollower(first, follower)).toBe('already');
    expect(await rig.tickets.addFollower('ADU-2611-99999', follower)).toBe('gone');
    expect(await ticketOf(first)).toMatchObject({ followerCount: 1, followers: [{ channelUserId: 'retry-1' }] });
  });

  it('in English too', async () => {
    const rig = await rigWith();
    const spot = newSpot();
    const first = await openTicket(rig, { location: spot });
    const tom = rig.person();
    await tom.say('ENGLISH');
    for (const text of ['hello', '1', 'Tom Baker', '081233334444', 'Jl. Anggrek 9', '1', 'A deep pothole in front of the small shop.', 'done']) await tom.say(text);
    const offer = texts(await tom.send({ location: north(spot, 15) }));
    expect(offer).toContain('There is already a similar report near your location');
    expect(offer).toContain('Status: Waiting for a response');
    expect(texts(await tom.say('yes'))).toContain(`your report has been added to ticket ${first}`);
  });
});
