// The WhatsApp Web session on several instances, at unit level (two adapters
// in one process, each with its own router and outbox, on one database and one
// bus; the library's Client is the stand-in, as WhatsApp Web cannot be reached
// here, so no second process can hold a real session): one holds the session,
// one that loses its lease closes the session at once, a holder that stops
// hands over at once, a reply queued on an instance without the session is
// sent by the holder, and the QR code to scan shows on every instance.
import { afterEach, describe, expect, it } from 'vitest';
import { localBus, type Bus } from '../../../src/bus/bus.js';
import { WhatsAppWebChannel } from '../../../src/channels/whatsapp-web/channel.js';
import { conversationKey } from '../../../src/conversation/messages.js';
import { HealthRegistry } from '../../../src/observability/health.js';
import { createLogger } from '../../../src/observability/logger.js';
import { mongoJobLeases } from '../../../src/storage/lease-store.js';
import { jobLeaseModel } from '../../../src/storage/models/job-lease.js';
import { messageModel, outboundId } from '../../../src/storage/models/message.js';
import { mongoSharedQr } from '../../../src/storage/whatsapp-qr-store.js';
import { createRig, type Rig } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { until } from '../../support/until.js';
import { StandInClient } from '../../support/wweb-stand-in.js';

const db = useTestDatabase(import.meta.filename);
const LEASE_MS = 900;
const running: WhatsAppWebChannel[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((channel) => channel.stop()));
});

interface Instance {
  readonly rig: Rig;
  readonly client: StandInClient;
  readonly channel: WhatsAppWebChannel;
  readonly health: HealthRegistry;
}

async function instance(owner: string, bus: Bus, linked = true): Promise<Instance> {
  const rig = await createRig(db, { channel: 'whatsapp' });
  const client = new StandInClient();
  client.linked = linked; // scanned before: the session is kept
  const health = new HealthRegistry();
  const channel = new WhatsAppWebChannel({ client, media: (mimetype, data, filename) => ({ mimetype, data, filename }), router: rig.router, outbox: rig.outbox, attachments: rig.storage.attachments, health, logger: createLogger({ level: 'silent' }), leases: mongoJobLeases(db.connection), owner, leaseMs: LEASE_MS, bus, sharedQr: mongoSharedQr(db.connection), sendIntervalMs: 0 });
  running.push(channel);
  return { rig, client, channel, health };
}

const receiving = (i: Instance) => i.health.snapshot().whatsapp?.receiving === true;

describe('WhatsApp Web session across instances', () => {
  it('closes the session at once when another instance has taken the lease, and stands by', async () => {
    const bus = localBus();
    const a = await instance('wa-a', bus);
    a.channel.start();
    await until('a connected', () => a.client.initializations === 1 && receiving(a));
    // Another instance took the lease (a's renewal came too late, say): a must not go on using the session.
    await jobLeaseModel(db.connection).updateOne({ _id: 'whatsapp-web-session' }, { $set: { owner: 'wa-elsewhere', until: new Date(Date.now() + 60_000) } });
    const tookAt = Date.now();
    await until('a standing by', () => !receiving(a), 5_000);
    expect(Date.now() - tookAt).toBeLessThan(LEASE_MS); // at its next renewal, a third of the lease later
    expect(a.health.snapshot().whatsapp).toMatchObject({ status: 'up', receiving: false, detail: { role: 'standby' } });
    expect(a.client.destroyed).toBeGreaterThan(0);
    await jobLeaseModel(db.connection).deleteOne({ _id: 'whatsapp-web-session' });
  });

  it('hands the session over at once on a graceful stop', async () => {
    const bus = localBus();
    const a = await instance('wa-a', bus);
    const b = await instance('wa-b', bus);
    a.channel.start();
    await until('a holding', () => receiving(a));
    b.channel.start();
    await until('b standing by', () => b.health.snapshot().whatsapp?.receiving === false);
    expect(b.client.initializations).toBe(0);
    const stoppedAt = Date.now();
    await a.channel.stop();
    await until('b holding', () => receiving(b) && b.client.initializations === 1, 5_000);
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS); // released, not expired
  });

  it('sends a reply queued on an instance without the session through the holder, once', async () => {
    const bus = localBus();
    const holder = await instance('wa-holder', bus);
    const standby = await instance('wa-standby', bus);
    holder.channel.start();
    await until('the holder ready', () => receiving(holder));
    standby.channel.start();
    await until('the standby standing by', () => standby.health.snapshot().whatsapp?.receiving === false);

    // An operator's reply or a scheduled notice is queued by whichever instance handled the request.
    const chat = '6281299990000@c.us';
    await standby.rig.outbox.enqueue([{ conversationKey: conversationKey('whatsapp', chat), channel: 'whatsapp', channelUserId: chat, session: 1, seq: 1, message: { text: 'Pesan dari petugas: jalan sudah ditambal.' } }]);
    await until('sent by the holder', () => holder.client.textsTo(chat).length === 1, 10_000);
    await standby.rig.outbox.idle();
    await holder.rig.outbox.idle();
    expect(holder.client.textsTo(chat)).toEqual(['Pesan dari petugas: jalan sudah ditambal.']);
    expect(standby.client.textsTo(chat)).toEqual([]);
    // Left for the holder without counting as a failed attempt.
    const stored = await messageModel(db.connection).findById(outboundId(conversationKey('whatsapp', chat), 1)).lean();
    expect(stored).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('shows the QR code to scan on an instance without the session, until the phone has scanned it', async () => {
    const bus = localBus();
    const holder = await instance('wa-holder', bus, false);
    const standby = await instance('wa-standby', bus, false);
    holder.channel.start();
    await until('the holder waiting for a scan', () => holder.channel.qr !== undefined);
    standby.channel.start();
    await until('the standby standing by', () => standby.health.snapshot().whatsapp?.receiving === false);
    // An administrator's browser behind the load balancer lands on the standby.
    await until('the code on the standby', async () => (await standby.channel.currentQr()) === holder.channel.qr, 5_000);
    expect(standby.channel.qr).toBeUndefined();
    expect(standby.client.initializations).toBe(0);
    holder.client.scan();
    await until('the code gone everywhere', async () => (await standby.channel.currentQr()) === undefined, 5_000);
  });
});
