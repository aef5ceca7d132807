// Builds the whatsapp-web.js client (Debian's Chromium, never a downloaded
// browser; LocalAuth on disk or RemoteAuth in MongoDB) and the page that
// shows the QR code to an administrator.
import { timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
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

/** GET /admin/whatsapp/qr, behind HTTP Basic auth with ADMIN_USERNAME / ADMIN_PASSWORD. */
export function registerQrPage(http: FastifyInstance, channel: WhatsAppWebChannel, admin: Config['admin']): void {
  http.get('/admin/whatsapp/qr', async (request, reply) => {
    if (!admin.username || !admin.password) {
      return reply.code(404).send({ error: 'set ADMIN_USERNAME and ADMIN_PASSWORD to see the WhatsApp QR code here; it is also printed in the terminal' });
    }
    if (!basicAuthMatches(request.headers.authorization, admin.username, admin.password)) {
      return reply.code(401).header('www-authenticate', 'Basic realm="Aduan", charset="UTF-8"').send({ error: 'unauthorized' });
    }
    const qr = channel.qr;
    const body = qr
      ? `<h1>Pindai kode QR ini dengan WhatsApp di ponsel nomor bot</h1><p>WhatsApp → Perangkat tertaut → Tautkan perangkat.</p>${await QRCode.toString(qr, { type: 'svg', margin: 2, width: 320 })}`
      : '<h1>Tidak ada kode QR</h1><p>Sesi WhatsApp sudah tertaut, atau sedang dimulai. Lihat /healthz.</p>';
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('refresh', '20').send(`<!doctype html><html lang="id"><meta charset="utf-8"><title>WhatsApp — Aduan</title><body style="font-family:system-ui;text-align:center">${body}</body></html>`);
  });
}

function basicAuthMatches(header: string | undefined, username: string, password: string): boolean {
  if (!header?.startsWith('Basic ')) return false;
  const given = Buffer.from(Buffer.from(header.slice(6), 'base64').toString('utf8'));
  const expected = Buffer.from(`${username}:${password}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
