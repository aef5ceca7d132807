// Builds the whatsapp-web.js client (Debian's Chromium, never a downloaded
// browser; LocalAuth on disk or RemoteAuth in MongoDB) and the page that
// shows the QR code to an administrator.
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Connection } from 'mongoose';
import QRCode from 'qrcode';
import type { Config } from '../../config/schema.js';
import type { WebClient, WhatsAppWebChannel } from './channel.js';
import { gridFsSessionStore } from './session-store.js';

/** The flags Chromium needs as root on a closed network (see TESTING-NOTES). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function createWhatsAppWebClient(config: Config, connection: Connection): Promise<{ client: WebClient; media: (mimetype: string, base64: string, filename: string) => unknown }> {
  const wweb = (await import('whatsapp-web.js')).default;
  const dataPath = join(config.dataDir, 'whatsapp');
  const authStrategy =
    config.channels.whatsappWeb.auth === 'remote'
      ? new wweb.RemoteAuth({ store: gridFsSessionStore(connection, dataPath), dataPath, backupSyncIntervalMs: 300_000 })
      : new wweb.LocalAuth({ dataPath });
  const client = new wweb.Client({
    authStrategy,
    puppeteer: { executablePath: config.channels.whatsappWeb.chromiumPath, headless: true, args: CHROMIUM_ARGS },
  });
  return { client: client as unknown as WebClient, media: (mimetype, base64, filename) => new wweb.MessageMedia(mimetype, base64, filename) };
}

/** Prints the QR code in the terminal, for whoever started the service. */
export async function printQr(qr: string): Promise<void> {
  process.stdout.write(`\n${await QRCode.toString(qr, { type: 'terminal', small: true })}\n`);
}

/** GET /admin/whatsapp/qr, for administrators: `guard` is the operator inbox's admin check (a browser without a session goes to its login). */
export function registerQrPage(http: FastifyInstance, channel: WhatsAppWebChannel, guard: (request: FastifyRequest, reply: FastifyReply) => Promise<void>): void {
  http.get('/admin/whatsapp/qr', { preHandler: guard }, async (_request, reply) => {
    const qr = await channel.currentQr();
    const body = qr
      ? `<h1>Pindai kode QR ini dengan WhatsApp di ponsel nomor bot</h1><p>WhatsApp → Perangkat tertaut → Tautkan perangkat.</p>${await QRCode.toString(qr, { type: 'svg', margin: 2, width: 320 })}`
      : '<h1>Tidak ada kode QR</h1><p>Sesi WhatsApp sudah tertaut, atau sedang dimulai. Lihat /healthz.</p>';
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('refresh', '20').send(`<!doctype html><html lang="id"><meta charset="utf-8"><title>WhatsApp — Aduan</title><body style="font-family:system-ui;text-align:center">${body}</body></html>`);
  });
}
