// The QR code a WhatsApp Web session waits to be scanned with, shared so that
// an administrator behind a load balancer sees it on whichever instance
// answers (only the session holder has it). One document, `_id: 'current'` in
// `whatsapp_qr`, replaced at each new code (about every 20 s) and deleted once
// the phone has scanned it; a code older than a minute is not shown.
import type { Connection } from 'mongoose';
import type { SharedQr } from '../channels/whatsapp-web/channel.js';

const ID = 'current';
const FRESH_MS = 60_000;

interface QrDoc {
  _id: string;
  qr: string;
  at: Date;
}

export function mongoSharedQr(connection: Connection): SharedQr {
  const collection = connection.collection<QrDoc>('whatsapp_qr');
  return {
    async save(qr) {
      await collection.replaceOne({ _id: ID }, { qr, at: new Date() }, { upsert: true });
    },
    async clear() {
      await collection.deleteOne({ _id: ID });
    },
    async current() {
      const doc = await collection.findOne({ _id: ID });
      return doc && Date.now() - doc.at.getTime() < FRESH_MS ? doc.qr : undefined;
    },
  };
}
