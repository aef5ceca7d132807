// SLA reminders and escalation (SOP: the agency answers within 1×24 h and
// follows up within 3 days). Before a deadline the agency is reminded; after
// it the breach is recorded on the ticket and the agency's supervisors and
// the central operators are told. Each deadline is taken as a lease, its
// notice queued in the durable mail queue under a key of the ticket's
// version, and the deadline cleared: a crash in between redoes the step after
// the lease, and the key keeps the notice (and the breach) to one.
import type { Config } from '../../config/schema.js';
import type { NoticeDispatcher } from '../../notifications/notice-dispatcher.js';
import type { Logger } from '../../observability/logger.js';
import type { Due, Ticket, TicketStatus } from '../../tickets/model.js';
import { dueKey, type TicketService } from '../../tickets/service.js';

export interface SlaDeps {
  readonly tickets: TicketService;
  /** The mail queue; undefined when SMTP is not configured (the deadlines then wait). */
  readonly notices?: NoticeDispatcher | undefined;
  readonly config: Pick<Config, 'agencies' | 'categories' | 'centralOperators' | 'city'>;
  readonly logger: Logger;
}

interface Target {
  readonly kind: 'firstResponse' | 'followUp';
  readonly status: TicketStatus;
  readonly reminder: keyof Due;
  readonly deadline: keyof Due;
  readonly what: string;
}

const TARGETS: readonly Target[] = [
  { kind: 'firstResponse', status: 'open', reminder: 'firstResponseReminder', deadline: 'firstResponse', what: 'tanggapan pertama (1×24 jam)' },
  { kind: 'followUp', status: 'in_progress', reminder: 'followUpReminder', deadline: 'followUp', what: 'hasil tindak lanjut (3 hari)' },
];

export async function slaSweep(deps: SlaDeps): Promise<number> {
  if (!deps.notices) {
    deps.logger.warn('SLA reminders are not sent: set SMTP_HOST and MAIL_FROM');
    return 0;
  }
  let handled = 0;
  for (const target of TARGETS) {
    handled += await remind(deps, target, deps.notices);
    handled += await escalate(deps, target, deps.notices);
  }
  return handled;
}

async function remind({ tickets, config }: SlaDeps, target: Target, notices: NoticeDispatcher): Promise<number> {
  let queued = 0;
  await tickets.takeEachDue(target.reminder, target.status, async (ticket) => {
    const agency = config.agencies.find((a) => a.code === ticket.agency);
    if (!agency) return;
    const deadline = formatTime(ticket.due[target.deadline], config.city.timezone);
    const fresh = await notices.enqueue({
      id: dueKey(`reminder:${target.kind}`, ticket),
      kind: 'slaReminder',
      ticketNumber: ticket.number,
      mail: {
        to: [agency.contacts.email],
        subject: `[${ticket.number}] Pengingat: ${target.what} jatuh tempo ${deadline}`,
        text: `Yth. ${agency.name},\n\nTiket ${ticket.number} menunggu ${target.what} dari instansi Anda, paling lambat ${deadline}.\n\n${describe(ticket, config)}\n\nPesan otomatis dari Aduan.`,
        attachments: [],
      },
    });
    if (fresh) queued++;
  });
  return queued;
}

async function escalate({ tickets, config, logger }: SlaDeps, target: Target, notices: NoticeDispatcher): Promise<number> {
  let queued = 0;
  await tickets.takeEachDue(target.deadline, target.status, async (ticket) => {
    const key = dueKey(`escalation:${target.kind}`, ticket);
    await tickets.recordBreach(ticket.number, target.kind, ticket.agency, key);
    const agency = config.agencies.find((a) => a.code === ticket.agency);
    const to = [...new Set([...(agency?.supervisors.flatMap((s) => (s.email ? [s.email] : [])) ?? []), ...config.centralOperators.emails, ...(agency ? [agency.contacts.email] : [])])];
    if (to.length === 0) {
      logger.warn({ ticket: ticket.number }, 'SLA breach with nobody to tell');
      return;
    }
    const fresh = await notices.enqueue({
      id: key,
      kind: 'escalation',
      ticketNumber: ticket.number,
      mail: {
        to,
        subject: `[${ticket.number}] Eskalasi: ${target.what} terlewati — ${agency?.name ?? ticket.agency ?? ''}`,
        text: `Tiket ${ticket.number} belum mendapat ${target.what} dari ${agency?.name ?? ticket.agency ?? '-'} sampai batas waktunya.\n\n${describe(ticket, config)}\n\nPesan otomatis dari Aduan.`,
        attachments: [],
      },
    });
    if (fresh) queued++;
  });
  return queued;
}

function describe(ticket: Ticket, config: SlaDeps['config']): string {
  const category = config.categories.find((c) => c.code === ticket.category)?.name.id ?? ticket.category;
  const where = ticket.location?.address ?? (ticket.location?.latitude === undefined ? '-' : `${String(ticket.location.latitude)}, ${String(ticket.location.longitude)}`);
  return `Kategori: ${category}\nDilaporkan: ${formatTime(ticket.createdAt, config.city.timezone)}\nLokasi: ${where}\nUraian: ${ticket.description}`;
}

function formatTime(at: Date | undefined, timeZone: string): string {
  return at ? new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(at) : '-';
}
