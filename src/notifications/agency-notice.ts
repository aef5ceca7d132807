// The email that hands a ticket to its agency (on creation and on every
// transfer): the details, the reporter's contact and the photos. Its
// Message-ID names the ticket, so the agency's reply to it is recognised
// and recorded as the agency's response. Sent once, through the durable mail
// queue: the ticket's `due.agencyNotice` is taken as a lease, the notice is
// queued under a key of the ticket's version (the same on a retry), and the
// deadline is cleared; a crash in between queues it on the next take.
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Ticket } from '../tickets/model.js';
import { dueKey, type TicketService } from '../tickets/service.js';
import { textToHtml } from './mailer.js';
import { mailDomain, messageIdFor } from './mail-threading.js';
import type { NoticeDispatcher } from './notice-dispatcher.js';
import type { NoticeAttachment } from './notice-store.js';
import { maskPerson } from '../inbox/masking.js';

export interface AgencyNoticeDeps {
  readonly tickets: TicketService;
  /** The mail queue; undefined when SMTP is not configured (the notice then waits on the ticket). */
  readonly notices?: NoticeDispatcher | undefined;
  readonly config: Pick<Config, 'agencies' | 'categories' | 'city' | 'privacy'>;
  readonly logger: Logger;
}

/** Most mail servers refuse messages over 25 MB; base64 adds a third. */
const MAX_ATTACHED_BYTES = 15 * 1_048_576;

/** Queues every notice that is due (the scheduler's safety net). Returns how many it queued. */
export async function sendDueAgencyNotices(deps: AgencyNoticeDeps): Promise<number> {
  const notices = deps.notices;
  if (!notices) return 0;
  let queued = 0;
  await deps.tickets.takeEachDue('agencyNotice', 'open', async (ticket) => {
    if (await enqueue(deps, notices, ticket)) queued++;
  });
  return queued;
}

/** Queues one ticket's notice right away, if it is due (called when a ticket is created or transferred). */
export async function sendAgencyNotice(deps: AgencyNoticeDeps, number: string): Promise<void> {
  const notices = deps.notices;
  if (!notices) return;
  await deps.tickets.takeDue(number, 'agencyNotice', 'open', async (ticket) => {
    await enqueue(deps, notices, ticket);
  });
}

async function enqueue(deps: AgencyNoticeDeps, notices: NoticeDispatcher, ticket: Ticket): Promise<boolean> {
  const agency = deps.config.agencies.find((a) => a.code === ticket.agency);
  if (!agency) return false;
  const photos = attachedPhotos(ticket);
  const body = noticeText(ticket, deps.config, photos.length);
  return notices.enqueue({
    id: dueKey('agencyNotice', ticket),
    kind: 'agencyNotice',
    ticketNumber: ticket.number,
    mail: {
      to: [agency.contacts.email],
      subject: `[${ticket.number}] Pengaduan baru: ${categoryName(ticket, deps.config)}`,
      text: body,
      html: textToHtml(body),
      attachments: photos,
      // The agency-reply matching reads the ticket from this id: keep its scheme.
      messageId: messageIdFor('a', ticket.number, `agency:${ticket.number}:${agency.code}:${String(ticket.version)}`, mailDomain(notices.from)),
      replyTo: notices.from,
    },
  });
}

/** The ticket's photos by reference (read when the mail is sent), as many as a mail can carry. */
function attachedPhotos(ticket: Ticket): NoticeAttachment[] {
  const files: NoticeAttachment[] = [];
  let total = 0;
  for (const ref of ticket.attachments) {
    if (total + ref.size > MAX_ATTACHED_BYTES) break;
    total += ref.size;
    files.push({ filename: ref.filename ?? `foto-${String(files.length + 1)}`, contentType: ref.contentType, fileId: ref.fileId });
  }
  return files;
}

function noticeText(ticket: Ticket, config: AgencyNoticeDeps['config'], attached: number): string {
  const agency = config.agencies.find((a) => a.code === ticket.agency);
  const { location } = ticket;
  const masked = config.privacy.agencyMail === 'masked';
  const reporter = masked ? maskPerson(ticket.reporter) : ticket.reporter;
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
    ...(masked ? ['(Kontak pelapor disamarkan; buka tiket di kotak masuk operator untuk melihatnya — tercatat.)'] : []),
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
