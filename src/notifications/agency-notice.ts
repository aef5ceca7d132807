// The email that hands a ticket to its agency (on creation and on every
// transfer): the details, the reporter's contact and the photos. Its
// Message-ID names the ticket, so the agency's reply to it is recognised
// and recorded as the agency's response. Sent once: the ticket's
// `due.agencyNotice` is taken before sending and put back if sending fails.
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { AttachmentStore } from '../storage/attachments.js';
import type { Ticket } from '../tickets/model.js';
import type { TicketService } from '../tickets/service.js';
import { type Mailer, type MailAttachment, textToHtml } from './mailer.js';
import { mailDomain, messageIdFor } from './mail-threading.js';

export interface AgencyNoticeDeps {
  readonly tickets: TicketService;
  readonly mailer: Mailer | undefined;
  readonly attachments: AttachmentStore;
  readonly config: Pick<Config, 'agencies' | 'categories' | 'city'>;
  readonly logger: Logger;
}

/** Most mail servers refuse messages over 25 MB; base64 adds a third. */
const MAX_ATTACHED_BYTES = 15 * 1_048_576;
const RETRY_MS = 5 * 60_000;

/** Sends every notice that is due (the scheduler's safety net). */
export async function sendDueAgencyNotices(deps: AgencyNoticeDeps): Promise<number> {
  if (!deps.mailer) return 0;
  const mailer = deps.mailer;
  return deps.tickets.takeEachDue('agencyNotice', 'open', (ticket) => notify(deps, mailer, ticket));
}

/** Sends one ticket's notice right away, if it is due (called when a ticket is created or transferred). */
export async function sendAgencyNotice(deps: AgencyNoticeDeps, number: string): Promise<void> {
  if (!deps.mailer) return;
  const ticket = await deps.tickets.takeDue(number, 'agencyNotice', 'open');
  if (ticket) await notify(deps, deps.mailer, ticket);
}

async function notify(deps: AgencyNoticeDeps, mailer: Mailer, ticket: Ticket): Promise<void> {
  const agency = deps.config.agencies.find((a) => a.code === ticket.agency);
  if (!agency) return;
  try {
    const photos = await attachedPhotos(deps.attachments, ticket);
    const body = noticeText(ticket, deps.config, photos.length);
    await mailer.send({
      to: [agency.contacts.email],
      subject: `[${ticket.number}] Pengaduan baru: ${categoryName(ticket, deps.config)}`,
      text: body,
      html: textToHtml(body),
      attachments: photos,
      messageId: messageIdFor('a', ticket.number, `agency:${ticket.number}:${agency.code}:${String(ticket.version)}`, mailDomain(mailer.from)),
      replyTo: mailer.from,
    });
  } catch (error) {
    deps.logger.error({ err: error, ticket: ticket.number }, 'the agency notice could not be sent; retrying later');
    await deps.tickets.setDue(ticket.number, 'agencyNotice', new Date(Date.now() + RETRY_MS));
  }
}

async function attachedPhotos(attachments: AttachmentStore, ticket: Ticket): Promise<MailAttachment[]> {
  const files: MailAttachment[] = [];
  let total = 0;
  for (const ref of ticket.attachments) {
    if (total + ref.size > MAX_ATTACHED_BYTES) break;
    const stored = await attachments.read(ref.fileId);
    if (!stored) continue;
    total += stored.bytes.byteLength;
    files.push({ filename: ref.filename ?? `foto-${String(files.length + 1)}`, content: stored.bytes, contentType: ref.contentType });
  }
  return files;
}

function noticeText(ticket: Ticket, config: AgencyNoticeDeps['config'], attached: number): string {
  const agency = config.agencies.find((a) => a.code === ticket.agency);
  const { reporter, location } = ticket;
  const coordinates = location?.latitude === undefined ? undefined : `${String(location.latitude)}, ${String(location.longitude)}`;
  const where = [location?.address, coordinates && `koordinat ${coordinates} (https://www.openstreetmap.org/?mlat=${String(location?.latitude)}&mlon=${String(location?.longitude)})`].filter(Boolean).join(' — ') || '-';
  const deadline = ticket.due.firstResponse ? formatTime(ticket.due.firstResponse, config.city.timezone) : '-';
  return [
    `Yth. ${agency?.name ?? ticket.agency ?? ''},`,
    '',
    'Pengaduan masyarakat berikut diteruskan kepada instansi Anda untuk ditindaklanjuti.',
    '',
    `Nomor tiket: ${ticket.number}`,
    `Kategori: ${categoryName(ticket, config)}`,
    `Dilaporkan: ${formatTime(ticket.createdAt, config.city.timezone)} melalui ${ticket.channel}`,
    `Pelapor: ${reporter.name ?? '-'}${reporter.phone ? `, ${reporter.phone}` : ''}${reporter.email ? `, ${reporter.email}` : ''}`,
    `Alamat pelapor: ${reporter.address ?? '-'}`,
    `Lokasi: ${where}`,
    `Foto: ${attached === 0 ? 'tidak ada' : `${String(attached)} terlampir`}`,
    '',
    'Uraian:',
    ticket.description,
    '',
    `Tanggapan pertama paling lambat ${deadline} (1×24 jam).`,
    'Balas email ini untuk menanggapi: balasan Anda tercatat pada tiket dan statusnya menjadi "Sedang Ditindaklanjuti".',
    '',
    `Pesan otomatis dari Aduan — ${config.city.name}.`,
  ].join('\n');
}

function categoryName(ticket: Ticket, config: AgencyNoticeDeps['config']): string {
  return config.categories.find((c) => c.code === ticket.category)?.name.id ?? ticket.category;
}

function formatTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(at);
}
