// `npm run pdp -- accessed --operator X --since 2026-11-28 [--until …] [--format table|csv]`:
// whose personal data an operator account read or revealed (UU PDP 27/2022: the
// 3×24 h notice after a breach, e.g. a stolen login), per person with their
// contact, tickets and first/last time, from the audit trail. Against MONGODB_URI
// or the running service's embedded database (see cli-config). The run itself is audited.
import { parseArgs } from 'node:util';
import { connectCliDatabase, loadCliConfig } from './cli-config.js';
import { type AccessReport, accessedBy } from '../src/inbox/accessed.js';
import { createLogger } from '../src/observability/logger.js';
import { csvCell } from '../src/reports/report.js';
import { mongoAuditStore } from '../src/storage/audit-store.js';
import { mongoTicketStore } from '../src/storage/ticket-store.js';

const USAGE = `usage:
  npm run pdp -- accessed --operator <username> --since <date> [--until <date>] [--format table|csv]
<date>: 2026-11-28 (midnight in the city's time zone; --until includes that whole day) or an ISO time
(2026-11-28T14:00:00+07:00). --until defaults to now.`;

const HEADINGS = ['Nama', 'Kanal', 'Kontak', 'Tiket', 'Data yang terbaca', 'Pertama', 'Terakhir'];

/** Midnight of a calendar day in the time zone, as an instant. */
function midnight(day: string, timeZone: string): Date {
  const utc = new Date(`${day}T00:00:00Z`);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(utc).map((p) => [p.type, p.value]));
  const asLocal = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return new Date(utc.getTime() - (asLocal - utc.getTime()));
}

function parseWhen(value: string, timeZone: string, endOfDay: boolean): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = midnight(value, timeZone);
    if (Number.isNaN(start.getTime())) return undefined;
    return endOfDay ? midnight(new Date(start.getTime() + 36 * 3_600_000).toISOString().slice(0, 10), timeZone) : start;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function render(report: AccessReport, format: 'table' | 'csv', timeZone: string): string {
  const time = (at: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(at);
  const rows = report.people.map((p) => [p.name, p.channel, p.contact, p.tickets.join(' '), p.fields.join(' '), time(p.first), time(p.last)]);
  if (format === 'csv') return [HEADINGS, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
  const widths = HEADINGS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  return [HEADINGS, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}

const { positionals, values } = parseArgs({ allowPositionals: true, options: { operator: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, format: { type: 'string', default: 'table' } } });
const config = loadCliConfig();
const timeZone = config.city.timezone;
const since = values.since === undefined ? undefined : parseWhen(values.since, timeZone, false);
const until = values.until === undefined ? new Date() : parseWhen(values.until, timeZone, true);
const format = values.format;
if (positionals[0] !== 'accessed' || positionals.length !== 1 || !values.operator || !since || !until || (format !== 'table' && format !== 'csv')) {
  console.error(USAGE);
  process.exit(2);
}
const connection = await connectCliDatabase(config, 'npm run pdp', createLogger({ level: 'warn' }));
const audit = mongoAuditStore(connection);
const tickets = mongoTicketStore(connection);
const report = await accessedBy({ audit, ticket: (number) => tickets.findByNumber(number) }, values.operator, since, until);
await audit.record({ at: new Date(), actor: 'cli', action: 'pdp_accessed', detail: { operator: values.operator, since: since.toISOString(), until: until.toISOString(), people: report.people.length } });
await connection.close();
process.stdout.write(render(report, format, timeZone));
// The summary goes to standard error, so `--format csv > surat.csv` holds the table only.
console.error(`${String(report.people.length)} orang, ${String(report.entries)} catatan audit akun ${values.operator}, ${since.toISOString()} – ${until.toISOString()} (waktu ${timeZone}).`);
if (report.missing.length > 0) console.error(`Tiket tidak ditemukan lagi (datanya tidak dapat dicantumkan): ${report.missing.join(' ')}`);
if (report.removed.length > 0) console.error(`Tiket tanpa data pribadi lagi (anonim, atau dihapus menurut retensi): ${report.removed.join(' ')}`);
if (report.truncated) console.error('PERINGATAN: lebih banyak catatan daripada yang dapat dibaca sekali; persempit --since/--until.');
