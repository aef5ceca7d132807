// The whatsapp-web.js adapter against a stand-in for the library's Client
// (WhatsApp Web cannot be reached here), with the real router, outbox and database.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthRegistry } from '../../../src/observability/health.js';
import { WhatsAppWebChannel } from '../../../src/channels/whatsapp-web/channel.js';
import { gridFsSessionStore } from '../../../src/channels/whatsapp-web/session-store.js';
import { registerQrPage } from '../../../src/channels/whatsapp-web/setup.js';
import { registerInbox } from '../../../src/inbox/register.js';
import { createLogger } from '../../../src/observability/logger.js';
import { mongoJobLeases } from '../../../src/storage/lease-store.js';
import { messageModel } from '../../../src/storage/models/message.js';
import { ticketModel } from '../../../src/storage/models/ticket.js';
import { createRig, type Rig, TICKET_NUMBER } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { fakeJpeg } from '../../support/images.js';
import { until } from '../../support/until.js';
import { StandInChat, StandInClient } from '../../support/wweb-stand-in.js';

const db = useTestDatabase(import.meta.filename);
const logger = createLogger({ level: 'silent' });
const running: WhatsAppWebChannel[] = [];

// A test that fails half-way must not leave its session lease to the next one.
afterEach(async () => {
  await Promise.all(running.splice(0).map((channel) => channel.stop()));
});

async function setUp(owner = 'instance-a'): Promise<{ rig: Rig; client: StandInClient; channel: WhatsAppWebChannel; health: HealthRegistry }> {
  const rig = await createRig(db, { channel: 'whatsapp' });
  const client = new StandInClient();
  const health = new HealthRegistry();
  const channel: WhatsAppWebChannel = new WhatsAppWebChannel({ client, media: (mimetype, data, filename) => ({ mimetype, data, filename }), router: rig.router, outbox: rig.outbox, attachments: rig.storage.attachments, health, logger, leases: mongoJobLeases(db.connection), owner, sendIntervalMs: 0 });
  running.push(channel);
  return { rig, client, channel, health };
}


describe('whatsapp-web.js adapter', () => {
  it('logs in with a QR code and takes a full report with a photo and a location', async () => {
    const { client, channel, health, rig } = await setUp();
    channel.start();
    await until('qr', () => channel.qr !== undefined);
    expect(health.snapshot().whatsapp).toMatchObject({ status: 'starting', detail: { waitingForQrScan: true } });
    client.scan();
    expect(channel.qr).toBeUndefined();
    expect(health.snapshot().whatsapp?.status).toBe('up');

    const from = '6281277776666@c.us';
    const say = async (fields: Parameters<StandInClient['message']>[1], expected: string) => {
      const before = client.textsTo(from).length;
      client.emit('message', client.message(from, fields));
      await until(`"${expected}"`, () => client.textsTo(from).slice(before).some((t) => t.includes(expected)));
    };
    await say({ body: 'halo' }, '1. Buat laporan/pengaduan');
    await say({ body: '1' }, 'nama lengkap');
    await say({ body: 'Nyoman Sari' }, 'alamat'); // the phone comes from the WhatsApp id
    await say({ body: 'Jl. Diponegoro 5' }, 'jenis masalah');
    await say({ body: '2' }, 'Ceritakan');
    await say({ body: 'Sampah tidak diangkut seminggu, bau sekali.' }, 'Kirim foto');
    const photo = fakeJpeg(18_000, 91);
    await say({ type: 'image', body: 'TPS penuh', media: photo }, 'Foto diterima (1/5)');
    await say({ body: 'selesai' }, 'lokasi');
    await say({ type: 'location', location: { latitude: '-8.6500', longitude: '115.2167', description: 'TPS Diponegoro\nDenpasar' } }, 'Ringkasan');
    await say({ body: 'ya' }, 'nomor tiket');
    const number = TICKET_NUMBER.exec(client.textsTo(from).join('\n'))?.[0];
    const ticket = await ticketModel(db.connection).findById(number).lean();
    expect(ticket).toMatchObject({ channel: 'whatsapp', reporter: { name: 'Nyoman Sari', phone: '+6281277776666', channelUserId: from }, category: 'sampah', location: { latitude: -8.65, longitude: 115.2167, address: 'TPS Diponegoro Denpasar' } });
    const stored = await rig.storage.attachments.read(ticket?.attachments[0]?.fileId ?? '');
    expect(stored?.bytes.equals(photo)).toBe(true);
    await channel.stop();
  });

  it('keeps a voice note for the operators and says what to send instead; asks again for a pin without coordinates', async () => {
    const { client, channel, rig } = await setUp();
    client.linked = true;
    channel.start();
    await until('ready', () => client.initializations === 1);
    const from = '6281277775555@c.us';
    const say = async (fields: Parameters<StandInClient['message']>[1], expected: string) => {
      const before = client.textsTo(from).length;
      client.emit('message', client.message(from, fields));
      await until(`"${expected}"`, () => client.textsTo(from).slice(before).some((t) => t.includes(expected)));
    };
    const recording = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(1_500, 5)]);
    await say({ type: 'ptt', media: recording, mimetype: 'audio/ogg; codecs=opus' }, 'pesan suara Anda kami simpan');
    const stored = await messageModel(db.connection).findOne({ conversationKey: `whatsapp:${from}`, unsupported: 'voice' }).lean();
    expect((await rig.storage.attachments.read(stored?.voice?.fileId ?? ''))?.bytes.equals(recording)).toBe(true);
    await say({ type: 'location', location: { latitude: '', longitude: '', description: 'Pasar Badung' } }, 'tidak memuat titik koordinat');
    await channel.stop();
  });

  it('ignores groups, status broadcasts and its own messages, and processes a repeated message once', async () => {
    const { client, channel, rig } = await setUp();
    client.linked = true;
    channel.start();
    await until('ready', () => client.initializations === 1);
    client.emit('message', client.message('120363000000@g.us', { body: 'halo grup' }));
    client.emit('message', client.message('status@broadcast', { body: 'status', isStatus: true }));
    client.emit('message', client.message('6281200000001@c.us', { body: 'dari bot', fromMe: true }));
    const hello = client.message('6281200000002@c.us', { body: 'halo' });
    client.emit('message', hello);
    client.emit('message', hello);
    await until('menu', () => client.textsTo('6281200000002@c.us').length >= 2);
    // Both copies were handed to the router before the first one's replies went out; wait for both to be done with.
    await until('both copies processed', () => rig.router.activeConversations === 0);
    await rig.outbox.idle();
    expect(client.textsTo('6281200000002@c.us').filter((t) => t.includes('Selamat datang'))).toHaveLength(1);
    expect(await messageModel(db.connection).countDocuments({ direction: 'in', channelUserId: { $in: ['120363000000@g.us', 'status@broadcast', '6281200000001@c.us'] } })).toBe(0);
    await channel.stop();
  });

  it('catches up on messages that arrived while disconnected, in order, without repeating handled ones', async () => {
    const { client, channel } = await setUp();
    client.linked = true;
    channel.start();
    await until('ready', () => client.initializations === 1);
    const from = '6281200000003@c.us';
    const first = client.message(from, { body: 'halo' });
    client.emit('message', first);
    await until('menu', () => client.textsTo(from).length >= 2);

    // Offline: the person answers twice, and a group writes too; whatsapp-web.js will not emit these.
    client.emit('disconnected', 'NAVIGATION');
    const chat = new StandInChat({ _serialized: from }, false, [first, client.message(from, { body: '1' }), client.message(from, { body: 'Ketut Arta' })]);
    const group = new StandInChat({ _serialized: '1203@g.us' }, true, [client.message('1203@g.us', { body: 'halo' })]);
    client.chats.push(chat, group);
    await until('reconnected', () => client.initializations >= 2, 10_000);
    await until('address question', () => client.textsTo(from).some((t) => t.includes('alamat')));
    // The outbox sends the reply as soon as it is stored, while the router is still saving the turn;
    // the chat is marked read only after that.
    await until('chat marked read', () => chat.seen > 0);
    expect(chat.seen).toBe(1);
    expect(group.seen).toBe(0);
    expect(client.textsTo(from).filter((t) => t.includes('Selamat datang'))).toHaveLength(1);
    expect(await messageModel(db.connection).countDocuments({ conversationKey: `whatsapp:${from}`, direction: 'in' })).toBe(3);
    await channel.stop();
  });

  it('takes a message that arrives during a catch-up after the unread ones', async () => {
    const { client, channel } = await setUp();
    client.linked = true;
    channel.start();
    await until('ready', () => client.initializations === 1);
    const from = '6281200000004@c.us';
    client.emit('message', client.message(from, { body: 'halo' }));
    await until('menu', () => client.textsTo(from).length >= 2);

    client.emit('disconnected', 'NAVIGATION');
    const chat = new StandInChat({ _serialized: from }, false, [client.message(from, { body: '1' }), client.message(from, { body: 'Ketut Arta' })]);
    // The person writes again just after the reconnection, while the adapter reads the unread ones.
    const unread = chat.fetchMessages.bind(chat);
    chat.fetchMessages = async (options) => {
      const messages = await unread(options);
      client.emit('message', client.message(from, { body: 'Jl. Melati 3' }));
      return messages;
    };
    client.chats.push(chat);
    await until('three answers', () => client.textsTo(from).length >= 5);
    expect(client.textsTo(from).slice(2)).toEqual([expect.stringContaining('nama lengkap'), expect.stringContaining('alamat'), expect.stringContaining('jenis masalah')]);
    await channel.stop();
  });

  it('does not let a text overtake the photo sent before it while the photo downloads', async () => {
    const { client, channel, rig } = await setUp();
    client.linked = true;
    channel.start();
    await until('ready', () => client.initializations === 1);
    const from = '6281200000005@c.us';
    const say = async (body: string, expected: string) => {
      const before = client.textsTo(from).length;
      client.emit('message', client.message(from, { body }));
      await until(`"${expected}"`, () => client.textsTo(from).slice(before).some((t) => t.includes(expected)));
    };
    await say('halo', '1. Buat laporan/pengaduan');
    await say('1', 'nama lengkap');
    await say('Wayan Suda', 'alamat');
    await say('Jl. Gatot Subroto 9', 'jenis masalah');
    await say('2', 'Ceritakan');
    await say('Sampah menumpuk di pinggir jalan.', 'Kirim foto');
    const before = client.textsTo(from).length;
    const photo = client.message(from, { type: 'image', body: 'Tumpukan sampah', media: fakeJpeg(18_000, 92) });
    const download = photo.downloadMedia.bind(photo);
    client.emit('message', { ...photo, downloadMedia: async () => { await new Promise((r) => setTimeout(r, 200)); return download(); } });
    client.emit('message', client.message(from, { body: 'selesai' }));
    await until('location question', () => client.textsTo(from).slice(before).some((t) => t.includes('lokasi')));
    await until('both processed', () => rig.router.activeConversations === 0);
    await rig.outbox.idle();
    expect(client.textsTo(from).slice(before)).toEqual([expect.stringContaining('Foto diterima (1/5)'), expect.stringContaining('Di mana lokasi masalahnya?')]);
    await channel.stop();
  });

  it('lets one instance hold the session while another waits', async () => {
    const a = await setUp('instance-1');
    const b = await setUp('instance-2');
    a.client.linked = true;
    b.client.linked = true;
    a.channel.start();
    await until('a connected', () => a.client.initializations === 1);
    b.channel.start();
    await until('b waiting', () => b.health.snapshot().whatsapp?.receiving === false);
    expect(b.client.initializations).toBe(0);
    // A standby is healthy: it sends nothing itself and takes over when the holder goes.
    expect(b.health.snapshot().whatsapp).toMatchObject({ status: 'up', receiving: false, detail: { role: 'standby', reason: 'another instance holds the session' } });
    // The waiting instance stops at once, not after its next try for the lease (within the app's 10 s shutdown limit).
    const stopping = Date.now();
    await Promise.all([a.channel.stop(), b.channel.stop()]);
    expect(Date.now() - stopping).toBeLessThan(10_000);
  });

  it('shows the QR code only to an administrator of the operator inbox', async () => {
    const { client, channel, rig } = await setUp();
    channel.start();
    await until('qr', () => channel.qr !== undefined);
    const http = Fastify();
    rig.config.inbox.passwordCost = 10;
    rig.config.admin = { username: 'admin', password: 'rahasia-sekali' };
    const inbox = await registerInbox(http, { config: rig.config, storage: rig.storage, tickets: rig.tickets, router: rig.router, logger });
    registerQrPage(http, channel, inbox.adminPage);
    const anonymous = await http.inject({ url: '/admin/whatsapp/qr' });
    expect(anonymous.statusCode).toBe(302);
    expect(anonymous.headers.location).toBe('/inbox/');
    const login = await http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'rahasia-sekali' } });
    const cookie = login.cookies.find((c) => c.name === 'aduan_session');
    expect(cookie).toBeDefined();
    const page = await http.inject({ url: '/admin/whatsapp/qr', cookies: { aduan_session: cookie?.value ?? '' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('Pindai kode QR');
    client.scan();
    await http.close();
    await channel.stop();
  });

  it('keeps a RemoteAuth session in GridFS: save, exists, extract, replace, delete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aduan-wa-'));
    const store = gridFsSessionStore(db.connection, dir);
    expect(await store.sessionExists({ session: 'RemoteAuth' })).toBe(false);
    writeFileSync(join(dir, 'RemoteAuth.zip'), 'zip-v1');
    await store.save({ session: 'RemoteAuth' });
    writeFileSync(join(dir, 'RemoteAuth.zip'), 'zip-v2');
    await store.save({ session: 'RemoteAuth' });
    expect(await store.sessionExists({ session: 'RemoteAuth' })).toBe(true);
    await store.extract({ session: 'RemoteAuth', path: join(dir, 'restored.zip') });
    expect(readFileSync(join(dir, 'restored.zip'), 'utf8')).toBe('zip-v2');
    expect(await db.connection.collection('whatsapp_sessions.files').countDocuments()).toBe(1);
    await store.delete({ session: 'RemoteAuth' });
    expect(await store.sessionExists({ session: 'RemoteAuth' })).toBe(false);
  });
});
