// Merging tickets and splitting followers out again (issue 16 item 2), over real
// HTTP on the embedded database, with the citizens on a Telegram stand-in: what
// they are told, what the inbox shows, who may do it, and that a repeat acts once
// or completes what a failure left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import type { Follower, HistoryEntry } from '../../src/tickets/model.js';
import { FakeBotApi } from '../support/bot-api.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp, withTelegram } from '../support/inbox.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
let api: FakeBotApi;
let app: RunningApplication;
let admin: OperatorSession;
let budi: OperatorSession;
let kabid: OperatorSession;

interface FollowerView { key: string; name: string | null; channel: string; via: string; fromTicket: string | null; description: string | null; reachable: boolean }
interface Detail { number: string; status: string; actions: string[]; closeReason: string | null; mergedInto: string | null; citizens: number; followers: FollowerView[]; history: HistoryEntry[]; thread: { text: string; direction: string; follower?: string }[]; version: number }
interface MergeAnswer { ticket: Detail; into: string; citizens: number; moved: number; notified: number; unreachable: number }
interface SplitAnswer { ticket: Detail; own: string; reopened: boolean; notified: boolean }

/** A report on Telegram (the chat id is the reporter's channel id), opened as the conversation would. */
const report = async (user: number, name: string, description: string, category = 'jalan_rusak') =>
  (await app.tickets.create({ channel: 'telegram', reporter: { name, channelUserId: String(user) }, category, description }, 'reporter')).number;

let keys = 0;
/** A POST as the inbox UI sends an action: with an Idempotency-Key (a fresh one unless given). */
/** Any answer of the two actions: a merge's, a split's, or a refusal. */
type Answer = Partial<MergeAnswer> & Partial<Omit<SplitAnswer, 'ticket'>> & { code?: string; details?: Record<string, unknown> };
async function act(session: OperatorSession, path: string, body: unknown, key = `followers-test-${String(++keys)}`): Promise<{ status: number; body: Answer; replayed: boolean }> {
  const response = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: session.cookie ?? '', 'x-csrf-token': session.csrf ?? '', 'idempotency-key': key }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Answer, replayed: response.headers.get('idempotent-replayed') === 'true' };
}

const detail = async (number: string) => (await admin.get<Detail>(`/api/tickets/${number}`)).body;

async function told(user: number, expected: string): Promise<string> {
  let found = '';
  await until(`"${expected}" for ${String(user)}`, () => {
    found = api.textsTo(user).find((t) => t.includes(expected)) ?? '';
    return found !== '';
  }, 20_000);
  return found;
}

beforeAll(async () => {
  api = await new FakeBotApi().start();
  app = await startInboxApp(db, withTelegram(api));
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  [budi, kabid] = await Promise.all([OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1'), OperatorSession.login(app.url, 'kabid', 'password-kabid-1')]);
});
afterAll(async () => {
  await app.stop();
  await api.stop();
});

describe('merging a ticket into another', () => {
  it('closes the second as merged, moves its reporter and followers to the first, tells each the number, and shows it on both', async () => {
    const first = await report(7401, 'Pak Joko', 'Jalan berlubang besar di depan SDN 3 Melati');
    const second = await report(7402, 'Bu Rina', 'Lubang di Jl. Melati dekat sekolah, bahaya untuk motor');
    const third = await report(7403, 'Dedi', 'Aspal Jl. Melati rusak');

    // The third joins the second first: its reporter follows the second, and goes along when the second joins the first.
    const early = await act(admin, `/api/tickets/${third}/merge`, { into: second });
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ into: second, citizens: 2, moved: 1, notified: 1, ticket: { status: 'closed', closeReason: 'merged', mergedInto: second } });

    // An operator had written to the second's reporter: that thread is read on the first ticket after the merge.
    expect((await admin.post(`/api/tickets/${second}/replies`, { text: 'Bu Rina, apakah lubangnya di depan gerbang sekolah?' })).status).toBe(202);
    const before = await detail(second);
    const merged = await act(admin, `/api/tickets/${second}/merge`, { into: first, expectedVersion: before.version }, 'merge-second-into-first');
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ into: first, citizens: 3, moved: 2, notified: 2, unreachable: 0 });
    expect(merged.body.ticket).toMatchObject({ number: second, status: 'closed', closeReason: 'merged', mergedInto: first });
    expect(merged.body.ticket?.history.at(-1)).toMatchObject({ action: 'merge', from: 'open', to: 'closed', ticket: first, actor: 'operator:admin' });
    // Reopened only by splitting its reporter out of the first (else they would follow both).
    expect(merged.body.ticket?.actions).not.toContain('reopen');
    expect(await admin.post(`/api/tickets/${second}/transitions`, { to: 'reopen', note: 'salah gabung' })).toMatchObject({ status: 409, body: { code: 'reopen_merged' } });

    const target = await detail(first);
    expect(target.status).toBe('open');
    expect(target.citizens).toBe(3);
    expect(target.followers).toEqual([
      expect.objectContaining({ name: 'Bu Rina', channel: 'telegram', via: 'merge', fromTicket: second, description: 'Lubang di Jl. Melati dekat sekolah, bahaya untuk motor', reachable: true }),
      expect.objectContaining({ name: 'Dedi', via: 'merge', fromTicket: third }),
    ]);
    expect(target.history.at(-1)).toMatchObject({ action: 'merge_in', from: 'open', to: 'open', ticket: second });

    // What the citizens read on Telegram: the new number and how many reported it.
    const rina = await told(7402, first);
    expect(rina).toContain(`laporan Anda kami gabungkan dengan laporan ${first} (kini dilaporkan oleh 3 warga)`);
    expect(rina).toContain(`STATUS ${first}`);
    expect(await told(7403, first)).toContain(`Kabar laporan ${second}`);
    // The notice is in the first ticket's thread, for the operators to see what was said, and so is the second's thread.
    const thread = (await detail(first)).thread;
    expect(thread.some((m) => m.direction === 'out' && m.text.includes(`Kabar laporan ${second}`))).toBe(true);
    expect(thread.some((m) => m.text.includes('apakah lubangnya di depan gerbang sekolah'))).toBe(true);

    // A second press of the same button (same key) answers the same and acts once: one notice each.
    const again = await act(admin, `/api/tickets/${second}/merge`, { into: first, expectedVersion: before.version }, 'merge-second-into-first');
    expect(again).toMatchObject({ status: 200, replayed: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.textsTo(7402).filter((t) => t.includes(`dengan laporan ${first}`))).toHaveLength(1);
    expect((await detail(first)).citizens).toBe(3);

    // The merged reporter asks about the number they were given, and is answered; their answer reaches the first ticket's thread.
    api.push(api.message(7402, { text: `STATUS ${first}` }));
    expect(await told(7402, `Tiket ${first}`)).toContain('Status: Menunggu tanggapan');
    // Asked about their own old number, they are sent on to the new one.
    api.push(api.message(7402, { text: `STATUS ${second}` }));
    expect(await told(7402, `Tiket ${second}`)).toContain(`Status: Selesai\nLaporan ini digabungkan dengan laporan ${first} tentang masalah yang sama. Ketik STATUS ${first}`);
    api.push(api.message(7402, { text: 'Terima kasih, semoga cepat diperbaiki' }));
    await until('the answer in the thread of the first ticket', async () => (await detail(first)).thread.some((m) => m.direction === 'in' && m.text.includes('semoga cepat diperbaiki')), 20_000);
    // Told apart from the reporter's, by name, both ways.
    const named = (await detail(first)).thread;
    expect(named.find((m) => m.text.includes('semoga cepat diperbaiki'))?.follower).toBe('Bu Rina');
    expect(named.find((m) => m.direction === 'out' && m.text.includes(`Kabar laporan ${second}`))?.follower).toBe('Bu Rina');
    // From now on they hear the first ticket's news: the agency takes it up.
    expect((await budi.post(`/api/tickets/${first}/transitions`, { to: 'respond' })).status).toBe(200);
    expect(await told(7402, `Kabar laporan ${first}: laporan Anda sudah diterima`)).toContain('sedang ditindaklanjuti');
    expect(await told(7403, `Kabar laporan ${first}: laporan Anda sudah diterima`)).toContain('sedang ditindaklanjuti');

    // The list: "reported by N" on the row, and the most-reported first.
    const list = (await admin.get<{ tickets: { number: string; citizens: number }[] }>('/api/tickets?sort=followers')).body.tickets;
    expect(list[0]).toMatchObject({ number: first, citizens: 3 });
    // The closed ones count nobody now: their citizens follow the first.
    expect(list.filter((t) => t.number === second || t.number === third).map((t) => t.citizens)).toEqual([1, 1]);
    const audit = (await admin.get<{ entries: { action: string; detail?: Record<string, unknown> }[] }>(`/api/audit?ticket=${second}`)).body.entries;
    expect(audit.find((e) => e.action === 'merge')?.detail).toMatchObject({ into: first, moved: 2, notified: 2 });
  });

  it('refuses a merge into itself, into a closed ticket, of a closed one, from a stale screen, and for roles that may not', async () => {
    const open = await report(7411, 'Wati', 'Lampu jalan mati', 'penerangan_jalan');
    const other = await report(7412, 'Yanto', 'Lampu jalan mati juga', 'penerangan_jalan');
    const self = await act(admin, `/api/tickets/${open}/merge`, { into: open });
    expect(self).toMatchObject({ status: 409, body: { code: 'merge_self' } });

    const done = await report(7413, 'Sri', 'Lampu mati, sudah selesai', 'penerangan_jalan');
    await app.tickets.transition(done, 'reject', {}, { actor: 'operator:admin', note: 'bukan kewenangan' });
    expect(await act(admin, `/api/tickets/${open}/merge`, { into: done })).toMatchObject({ status: 409, body: { code: 'merge_target_closed', details: { status: 'rejected' } } });
    expect(await act(admin, `/api/tickets/${done}/merge`, { into: open })).toMatchObject({ status: 409, body: { code: 'transition_not_allowed', details: { action: 'merge', status: 'rejected' } } });
    expect(await act(admin, `/api/tickets/${open}/merge`, { into: other, expectedVersion: 7 })).toMatchObject({ status: 409, body: { code: 'stale_version' } });

    expect(await act(kabid, `/api/tickets/${open}/merge`, { into: other })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    // An agency operator merges only within its own agency: another agency's ticket does not exist for it.
    const road = await report(7414, 'Ani', 'Jalan rusak');
    const road2 = await report(7415, 'Ana', 'Jalan rusak juga');
    expect(await act(budi, `/api/tickets/${road}/merge`, { into: open })).toMatchObject({ status: 404, body: { code: 'ticket_not_found' } });
    expect(await act(budi, `/api/tickets/${road2}/merge`, { into: road })).toMatchObject({ status: 200, body: { citizens: 2 } });

    // Nothing was changed by the refusals, and nobody was told anything.
    expect(await detail(open)).toMatchObject({ status: 'open', citizens: 1, followers: [] });
    expect(api.textsTo(7411)).toEqual([]);
  });

  it('tells a citizen who reported the same problem twice that the two were joined, not that others reported it', async () => {
    const earlier = await report(7471, 'Pak Udin', 'Got mampet depan rumah', 'drainase_banjir');
    const again = await report(7471, 'Pak Udin', 'Got masih mampet, tolong segera', 'drainase_banjir');
    expect(await act(admin, `/api/tickets/${again}/merge`, { into: earlier })).toMatchObject({ status: 200, body: { notified: 1 } });
    const [text, link] = (await told(7471, `dengan laporan Anda sebelumnya, ${earlier}`)).split('\n');
    expect(text).toBe(`Kabar laporan ${again}: laporan ini sama dengan laporan Anda sebelumnya, ${earlier}, jadi keduanya kami gabungkan dan ditangani sebagai laporan ${earlier}. Ketik STATUS ${earlier} untuk mengecek perkembangannya.`);
    // The link is to the ticket that is theirs now, whose page follows the problem.
    expect(link).toMatch(new RegExp(`^Lihat perkembangannya di: http://\\S+/t/${earlier}\\?k=[\\w-]{20,}$`));
    expect(api.textsTo(7471).some((t) => t.includes('warga lain'))).toBe(false);
  });

  it('suggests the open tickets of the same category near the pin, the nearest first', async () => {
    const at = (north: number) => ({ latitude: -6.9 + north / 111_195, longitude: 107.6, address: 'Jl. Dago' });
    const pinned = async (user: number, north: number, category = 'drainase_banjir') =>
      (await app.tickets.create({ channel: 'telegram', reporter: { name: 'Warga', channelUserId: String(user) }, category, description: `Got mampet ${String(north)} m ke utara`, location: at(north) }, 'reporter')).number;
    const here = await pinned(7451, 0);
    const near = await pinned(7452, 20);
    const nearer = await pinned(7453, -8);
    await pinned(7454, 10, 'sampah'); // another category
    await pinned(7455, 400); // too far (duplicates.radius is 50 m)
    const closed = await pinned(7456, 5);
    await app.tickets.transition(closed, 'reject', {}, { actor: 'operator:admin', note: 'dobel' });

    const answer = (await admin.get<{ radius: number; candidates: { number: string; distance: number; citizens: number }[] }>(`/api/tickets/${here}/merge-candidates`)).body;
    expect(answer.radius).toBe(50);
    expect(answer.candidates.map((c) => [c.number, c.distance])).toEqual([[nearer, 8], [near, 20]]);
    expect(answer.candidates[0]).toMatchObject({ citizens: 1, status: 'open' });
    // None for a ticket without a pin, and not for a supervisor.
    expect((await admin.get<{ candidates: unknown[] }>(`/api/tickets/${await report(7457, 'Tanpa pin', 'Got mampet', 'drainase_banjir')}/merge-candidates`)).body.candidates).toEqual([]);
    expect((await kabid.get(`/api/tickets/${here}/merge-candidates`)).status).toBe(403);
  });

  it('never closes two tickets into each other when they are merged both ways at once', async () => {
    for (let round = 0; round < 3; round++) {
      const a = await report(7460 + round * 2, 'Arif', 'Lampu jalan padam', 'penerangan_jalan');
      const b = await report(7461 + round * 2, 'Bela', 'Lampu jalan mati', 'penerangan_jalan');
      const answers = await Promise.all([act(admin, `/api/tickets/${a}/merge`, { into: b }), act(admin, `/api/tickets/${b}/merge`, { into: a })]);
      const [ta, tb] = await Promise.all([detail(a), detail(b)]);
      const closed = [ta, tb].filter((t) => t.status === 'closed');
      expect(closed.length, JSON.stringify(answers.map((x) => x.body.code ?? 'merged'))).toBeLessThanOrEqual(1);
      // Whichever stands holds the other's reporter; one that was undone says so in its history.
      for (const [one, other] of [[ta, tb], [tb, ta]] as const) {
        if (one.status === 'closed') expect(other.followers.map((f) => f.fromTicket)).toEqual([one.number]);
      }
      expect(answers.filter((x) => x.status === 200).length).toBe(closed.length);
    }
  });

  it('completes a merge that failed half-way when it is pressed again', async () => {
    const first = await report(7421, 'Rudi', 'Got mampet di Gg. Kenanga', 'drainase_banjir');
    const second = await report(7422, 'Lina', 'Saluran air Gg. Kenanga tersumbat', 'drainase_banjir');
    // The process died after closing the second: its reporter was never added nor told.
    await app.tickets.transition(second, 'merge', { into: first }, { actor: 'operator:admin' });
    expect((await detail(first)).citizens).toBe(1);

    const retry = await act(admin, `/api/tickets/${second}/merge`, { into: first });
    expect(retry).toMatchObject({ status: 200, body: { citizens: 2, moved: 1, notified: 1 } });
    expect((await detail(first)).followers).toEqual([expect.objectContaining({ fromTicket: second, name: 'Lina' })]);
    expect(await told(7422, first)).toContain('kini dilaporkan oleh 2 warga');
    // And once more: nothing added twice.
    await act(admin, `/api/tickets/${second}/merge`, { into: first });
    expect((await detail(first)).citizens).toBe(2);
  });
});

describe('splitting a follower out', () => {
  it('reopens the ticket a merged reporter had opened, and tells them its number', async () => {
    const first = await report(7431, 'Eko', 'Pohon tumbang di Jl. Anggrek', 'ketertiban_umum');
    const second = await report(7432, 'Fitri', 'Pohon besar roboh menutup Jl. Anggrek', 'ketertiban_umum');
    await act(admin, `/api/tickets/${second}/merge`, { into: first });
    const key = (await detail(first)).followers[0]?.key ?? '';

    const split = await act(admin, `/api/tickets/${first}/followers/split`, { follower: key }, 'split-fitri');
    expect(split).toMatchObject({ status: 200, body: { own: second, reopened: true, notified: true, ticket: { number: first, citizens: 1, followers: [] } } });
    expect(split.body.ticket?.history.at(-1)).toMatchObject({ action: 'split_out', ticket: second });
    const own = await detail(second);
    expect(own).toMatchObject({ status: 'open', closeReason: null, mergedInto: null, citizens: 1 });
    expect(own.history.at(-1)).toMatchObject({ action: 'unmerge', from: 'closed', to: 'open', ticket: first });
    expect(await told(7432, `nomor tiket ${second}`)).toContain(`berbeda dari laporan ${first}`);

    // The same press again is answered as before; a new press finds no such follower.
    expect(await act(admin, `/api/tickets/${first}/followers/split`, { follower: key }, 'split-fitri')).toMatchObject({ status: 200, replayed: true });
    expect(await act(admin, `/api/tickets/${first}/followers/split`, { follower: key })).toMatchObject({ status: 404, body: { code: 'follower_not_found' } });
    expect(api.textsTo(7432).filter((t) => t.includes(`nomor tiket ${second}`))).toHaveLength(1);
    expect(await act(kabid, `/api/tickets/${first}/followers/split`, { follower: key })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
  });

  it("gives a follower who never had a ticket (a nearby duplicate) a new one from their own report, routed like any", async () => {
    const first = await report(7441, 'Gita', 'Sampah menumpuk di pasar', 'sampah');
    const follower: Follower = {
      channel: 'telegram', channelUserId: '7442', name: 'Hadi', at: new Date(), via: 'nearby',
      description: 'Sampah di TPS pasar belum diangkut tiga hari', location: { latitude: -6.2, longitude: 106.8, address: 'TPS Pasar Baru' },
      intake: { messageId: 'telegram:7442:msg-1', conversationKey: 'telegram:7442', session: 1 },
    };
    await ticketModel(app.storage.connection).updateOne({ _id: first }, { $push: { followers: follower }, $inc: { followerCount: 1 } });
    const view = await detail(first);
    expect(view).toMatchObject({ citizens: 2, followers: [expect.objectContaining({ name: 'Hadi', via: 'nearby', fromTicket: null })] });

    const split = await act(admin, `/api/tickets/${first}/followers/split`, { follower: view.followers[0]?.key });
    expect(split).toMatchObject({ status: 200, body: { reopened: false, notified: true, ticket: { citizens: 1 } } });
    const own = await app.tickets.get(split.body.own ?? '');
    expect(own).toMatchObject({ status: 'open', channel: 'telegram', category: 'sampah', agency: 'DLH', description: 'Sampah di TPS pasar belum diangkut tiga hari', reporter: { name: 'Hadi', channelUserId: '7442' }, location: { address: 'TPS Pasar Baru' } });
    expect(own.due.firstResponse).toBeInstanceOf(Date);
    expect(own.history.map((h) => h.action)).toEqual(['create', 'split_from']);
    expect(await told(7442, `nomor tiket ${own.number}`)).toContain('laporan tersendiri');
  });
});

describe('the list sorted by how many citizens reported', () => {
  it('pages through every ticket, the most reported first, without repeating or skipping one', async () => {
    const all = (await admin.get<{ total: number }>('/api/tickets')).body.total;
    const seen: { number: string; citizens: number }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { tickets: { number: string; citizens: number }[]; next: string | null } } = await admin.get(`/api/tickets?sort=followers&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.tickets);
      cursor = page.body.next;
    } while (cursor);
    expect(seen).toHaveLength(all);
    expect(new Set(seen.map((t) => t.number)).size).toBe(all);
    const counts = seen.map((t) => t.citizens);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(counts[0]).toBe(3);
  });
});
