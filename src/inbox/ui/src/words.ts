// Who did what, in words: history lines of a ticket and audit entries, rendered
// from the structured entries the API stores (actor, action, agencies, detail)
// with the operators' names and roles (`people`) and the agencies' names (meta).
import type { Meta, Role } from './api.js';
import { label, localized, say, t } from './i18n.js';

type Pair = readonly [string, string];

export interface Person { name: string; role: Role; agency?: string }
export type People = Readonly<Record<string, Person>>;

export interface HistoryEntry { at: string; actor: string; action: string; from: string | null; to: string; note?: string; agency?: string; fromAgency?: string; ticket?: string }
export interface AuditEntry { at: string; actor: string; action: string; ticket?: string; detail?: Record<string, unknown>; ip?: string }

export const agencyName = (meta: Pick<Meta, 'agencies'>, code: string): string => meta.agencies.find((a) => a.code === code)?.name ?? code;

const ROLE_IN_NAME: Readonly<Record<Person['role'], Pair>> = {
  admin: ['Admin Pusat', 'Central admin'],
  agency: ['Operator {agency}', '{agency} operator'],
  supervisor: ['Pimpinan', 'Supervisor'],
  dpo: ['Pejabat PDP', 'Data protection officer'],
};

const NOBODY: Readonly<Record<string, Pair>> = {
  reporter: ['pelapor', 'the reporter'],
  system: ['sistem', 'the system'],
  open311: ['aplikasi kota (Open311)', 'a city app (Open311)'],
  cli: ['baris perintah (npm run user)', 'the command line (npm run user)'],
};

/** "Siti (Admin Pusat)", "Budi (Operator DPUPR)", "pelapor", "sistem". */
export function actorName(actor: string, people: People): string {
  if (actor === 'reporter' || actor === 'cli') return say(NOBODY[actor] ?? ['', '']);
  // A request a city app sent over Open311 (`system:open311:<key id>`).
  if (actor.startsWith('system:open311:')) return say(NOBODY.open311 ?? ['', '']);
  if (actor.startsWith('system:')) return say(NOBODY.system ?? ['', '']);
  const agencyActor = /^agency:([^/]+)\/(.+)$/.exec(actor);
  const username = agencyActor?.[2] ?? /^(?:operator|login):(.+)$/.exec(actor)?.[1] ?? actor;
  const person = people[username];
  if (!person) return agencyActor ? `${username} (${say(ROLE_IN_NAME.agency, { agency: agencyActor[1] ?? '' })})` : username;
  return `${person.name} (${say(ROLE_IN_NAME[person.role], { agency: person.agency ?? agencyActor?.[1] ?? '' })})`;
}

const HISTORY: Readonly<Record<string, Pair>> = {
  create: ['Dibuat oleh {actor}', 'Created by {actor}'],
  createFor: ['Dibuat oleh {actor}, untuk {agency}', 'Created by {actor}, for {agency}'],
  routeFrom: ['Dialihkan dari {from} ke {to} oleh {actor}', 'Transferred from {from} to {to} by {actor}'],
  route: ['Dialihkan ke {to} oleh {actor}', 'Transferred to {to} by {actor}'],
  routeUnknown: ['Dialihkan oleh {actor}', 'Transferred by {actor}'],
  forward: ['Diteruskan ke {channel} oleh {actor}', 'Forwarded to {channel} by {actor}'],
  reject: ['Ditolak oleh {actor}', 'Rejected by {actor}'],
  respond: ['Ditanggapi oleh {actor}; mulai ditindaklanjuti', 'Taken up by {actor}; follow-up started'],
  submitResult: ['Hasil tindak lanjut dikirim oleh {actor}', 'Follow-up result submitted by {actor}'],
  validate: ['Hasil divalidasi oleh {actor}; sudah ditindaklanjuti', 'Result validated by {actor}; resolved'],
  returnToAgency: ['Dikembalikan ke OPD oleh {actor}', 'Returned to the agency by {actor}'],
  confirm: ['Pelapor mengonfirmasi masalah sudah selesai', 'The reporter confirmed the problem is solved'],
  reopen: ['Dibuka kembali oleh {actor}', 'Reopened by {actor}'],
  closeNoConfirmation: ['Ditutup: pelapor tidak menjawab permintaan konfirmasi', 'Closed: the reporter did not answer the confirmation request'],
  merge: ['Digabungkan ke {ticket} oleh {actor}: masalah yang sama', 'Merged into {ticket} by {actor}: the same problem'],
  merge_in: ['{ticket} digabungkan ke tiket ini oleh {actor}; pelapornya kini mengikuti tiket ini', '{ticket} merged into this ticket by {actor}; its reporter now follows this one'],
  unmerge: ['Dipisahkan lagi dari {ticket} oleh {actor}; dibuka kembali', 'Split out of {ticket} again by {actor}; reopened'],
  split_out: ['Seorang pengikut dipisahkan oleh {actor}; laporannya kini tiket {ticket}', 'A follower was split out by {actor}; their report is now ticket {ticket}'],
  split_from: ['Dibuat dari laporan seorang pengikut {ticket}, dipisahkan oleh {actor}', "Made from the report of a follower of {ticket}, split out by {actor}"],
  other: ['{action} oleh {actor}', '{action} by {actor}'],
};

/** One history entry as a sentence, and the operator's own note (their words, shown as they wrote them). */
export function historyLine(entry: HistoryEntry, people: People, meta: Pick<Meta, 'agencies' | 'forwarding'>, forwardedTo: string | null): { text: string; note?: string } {
  const actor = actorName(entry.actor, people);
  const agency = (code: string) => agencyName(meta, code);
  // Older entries kept the routing as an English note ("agency DPUPR", or the forwarding code).
  const legacyAgency = entry.action === 'create' ? /^agency (\S+)$/.exec(entry.note ?? '')?.[1] : undefined;
  const forwardCode = entry.actor === 'system:routing' && entry.action === 'forward' ? entry.note : undefined;
  const note = legacyAgency !== undefined || forwardCode !== undefined ? undefined : entry.note;
  const to = entry.agency ?? legacyAgency;
  let text: string;
  if (entry.action === 'create') text = say(to ? HISTORY.createFor ?? ['', ''] : HISTORY.create ?? ['', ''], { actor, agency: to ? agency(to) : '' });
  else if (entry.action === 'route') text = say(HISTORY[entry.fromAgency ? 'routeFrom' : entry.agency ? 'route' : 'routeUnknown'] ?? ['', ''], { actor, from: agency(entry.fromAgency ?? ''), to: agency(entry.agency ?? '') });
  else if (entry.action === 'forward') {
    const code = forwardCode ?? forwardedTo ?? '';
    text = say(HISTORY.forward ?? ['', ''], { actor, channel: meta.forwarding.find((f) => f.code === code)?.name ?? code });
  } else text = say(HISTORY[entry.action] ?? HISTORY.other ?? ['', ''], { actor, action: label(entry.action), ticket: entry.ticket ?? '' });
  return note ? { text, note } : { text };
}

const AUDIT: Readonly<Record<string, Pair>> = {
  login: ['Masuk', 'Logged in'],
  loginBearer: ['Masuk dengan token API', 'Logged in with an API token'],
  login_failed: ['Gagal masuk (kata sandi salah atau pengguna tidak ada)', 'Failed login (wrong password or no such user)'],
  login_locked: ['Gagal masuk: akun terkunci', 'Failed login: account locked'],
  logout: ['Keluar', 'Logged out'],
  password_change: ['Mengganti kata sandi sendiri', 'Changed their own password'],
  password_change_failed: ['Gagal mengganti kata sandi (kata sandi saat ini salah)', 'Failed to change their password (wrong current password)'],
  reply: ['Membalas pelapor ({length} karakter)', 'Replied to the reporter ({length} characters)'],
  note: ['Menambah catatan internal', 'Added an internal note'],
  assign: ['Mengalihkan dari {from} ke {to}', 'Transferred from {from} to {to}'],
  transition: ['{action}: {from} → {to}', '{action}: {from} → {to}'],
  submitResult: ['Mengirim hasil tindak lanjut ({photos} foto)', 'Submitted the follow-up result ({photos} photos)'],
  create_ticket: ['Mencatat pengaduan baru ({channel}): {category}', 'Recorded a new complaint ({channel}): {category}'],
  download_report: ['Mengunduh laporan {report}', 'Downloaded report {report}'],
  generate_daily_report: ['Membuat laporan harian sekarang', 'Generated the daily report now'],
  generate_monthly_report: ['Membuat laporan bulanan dan monev sekarang', 'Generated the monthly and monev reports now'],
  export_tickets: ['Mengunduh daftar tiket sebagai CSV ({rows} tiket)', 'Downloaded the ticket list as CSV ({rows} tickets)'],
  lookup_caller: ['Mencari pelapor menurut nomor telepon ({found} laporan ditemukan)', 'Looked up a caller by phone number ({found} reports found)'],
  label_add: ['Menambah label {labels}', 'Added the label {labels}'],
  label_remove: ['Menghapus label {labels}', 'Removed the label {labels}'],
  take: ['Mengambil tiket (sebelumnya: {fromUser})', 'Took the ticket (before: {fromUser})'],
  hand_over: ['Menyerahkan tiket kepada {toUser} (sebelumnya: {fromUser})', 'Handed the ticket to {toUser} (before: {fromUser})'],
  release: ['Melepaskan tiket (sebelumnya: {fromUser})', 'Released the ticket (before: {fromUser})'],
  user_add: ['Menambah operator {user} sebagai {role}', 'Added operator {user} as {role}'],
  user_reset: ['Mengatur kata sandi {user}', 'Set the password of {user}'],
  user_disable: ['Menonaktifkan {user}', 'Disabled {user}'],
  user_enable: ['Mengaktifkan {user}', 'Enabled {user}'],
  view_reporter: ['Melihat tiket dan kanal pelapor', "Viewed the reporter's tickets and channels"],
  publish_photo: ['Menampilkan foto di halaman status publik', 'Showed a photo on the public status page'],
  unpublish_photo: ['Menghapus foto dari halaman status publik', 'Removed a photo from the public status page'],
  merge_identity: ['Menggabungkan identitas {channel} dengan pelapor', 'Merged a {channel} identity with the reporter'],
  split_identity: ['Memisahkan identitas {channel} dari pelapor', 'Separated a {channel} identity from the reporter'],
  open311_key_issue: ['Membuat kunci API Open311 "{keyLabel}"', 'Created the Open311 API key "{keyLabel}"'],
  open311_key_revoke: ['Mencabut kunci API Open311 "{keyLabel}"', 'Revoked the Open311 API key "{keyLabel}"'],
  merge: ['Menggabungkan tiket ini ke {into} ({moved} warga pindah, {notified} diberi tahu lewat bot)', 'Merged this ticket into {into} ({moved} citizens moved, {notified} told through the bot)'],
  split_follower: ['Memisahkan seorang pengikut; laporannya kini tiket {own}', 'Split a follower out; their report is now ticket {own}'],
  read_personal_data: ['Membaca data pribadi warga dari {n} tiket ({fields})', "Read citizens' personal data from {n} tickets ({fields})"],
  reveal_personal_data: ['Membuka {field} {person} yang disamarkan', "Revealed the {person}'s masked {field}"],
  data_request: ['Warga meminta penghapusan data pribadinya lewat {channel} (nomor {reference})', 'A citizen asked for their personal data to be deleted via {channel} (reference {reference})'],
  privacy_search: ['Mencari data pribadi menurut {kind} ({found} orang ditemukan)', 'Searched personal data by {kind} (people found: {found})'],
  privacy_view: ['Melihat data pribadi satu orang ({ref})', "Viewed one person's personal data ({ref})"],
  privacy_export: ['Mengunduh arsip data pribadi satu orang ({ref}): {tickets} tiket, {messages} pesan, {photos} foto', "Downloaded one person's personal data archive ({ref}; tickets: {tickets}, messages: {messages}, photos: {photos})"],
  privacy_correct: ['Memperbaiki {fields} satu orang ({ref}) di {tickets} tiket', "Corrected the {fields} of one person ({ref}; tickets updated: {tickets})"],
  privacy_erase: ['Menghapus data pribadi satu orang ({ref}; foto {decision}): {tickets} tiket, {messages} pesan, {photos} foto, {conversations} percakapan', "Erased one person's personal data ({ref}; photos {decision}; tickets: {tickets}, messages: {messages}, photos: {photos}, conversations: {conversations})"],
  privacy_request_close: ['Menutup permintaan data pribadi {reference}: {outcome}', 'Closed the personal data request {reference}: {outcome}'],
  pdp_accessed: ['Menyusun daftar data pribadi yang dibaca akun {user} (npm run pdp)', 'Listed the personal data read by the account {user} (npm run pdp)'],
};

/** The personal fields of an audit entry, in words ("nama, telepon"). */
const PERSONAL_FIELD_WORDS: Readonly<Record<string, Pair>> = {
  name: ['nama', 'name'], phone: ['telepon', 'phone'], email: ['email', 'email'], address: ['alamat', 'address'], channelUserId: ['akun kanal', 'channel account'],
};
/** How the DPO searched (never the value), what an erasure did with photos, how a data request ended. */
const PRIVACY_WORDS: Readonly<Record<string, Pair>> = {
  phone: ['nomor telepon', 'phone number'], email: ['email', 'email'], account: ['akun kanal', 'channel account'],
  remove: ['dihapus', 'removed'], keep: ['disimpan', 'kept'],
  erased: ['dihapus', 'erased'], exported: ['diekspor', 'exported'], corrected: ['diperbaiki', 'corrected'], refused: ['ditolak', 'refused'],
};
const privacyWord = (code: string): string => say(PRIVACY_WORDS[code] ?? [code, code]);
const fieldWords = (fields: unknown): string => (Array.isArray(fields) ? fields : [fields]).map((f) => (typeof f === 'string' ? say(PERSONAL_FIELD_WORDS[f] ?? [f, f]) : '')).filter(Boolean).join(', ');

/** One audit entry as a sentence ("Menambah operator Rina (Operator DISHUB) sebagai Operator OPD"). */
export function auditLine(entry: AuditEntry, people: People, meta: Pick<Meta, 'agencies' | 'categories'>): string {
  const d = entry.detail ?? {};
  const text = (key: string) => (typeof d[key] === 'string' || typeof d[key] === 'number' ? String(d[key]) : '');
  const agency = (code: string) => (code ? agencyName(meta, code) : '—');
  if (entry.action === 'login' && d.kind === 'bearer') return say(AUDIT.loginBearer ?? ['', '']);
  if (entry.action === 'transition' && d.action === 'submitResult') return say(AUDIT.submitResult ?? ['', ''], { photos: text('photos') || '0' });
  const username = text('username') || (entry.action === 'pdp_accessed' ? text('operator') : '');
  const user = username ? actorName(`operator:${username}`, people) : '';
  const role = text('role') ? `${t(`role_${text('role') as Person['role']}`)}${text('agency') ? ` ${agency(text('agency'))}` : ''}` : '';
  const category = meta.categories.find((c) => c.code === text('category'));
  const pair = AUDIT[entry.action];
  if (!pair) return entry.action;
  return say(pair, {
    length: text('length'),
    from: entry.action === 'assign' ? agency(text('from')) : label(text('from')),
    to: entry.action === 'assign' ? agency(text('to')) : label(text('to')),
    action: label(text('action')),
    channel: label(text('channel')),
    category: category ? localized(category.name) : text('category'),
    report: text('report'),
    rows: text('rows'),
    found: text('found') || '0',
    labels: text('labels'),
    keyLabel: text('label'),
    reference: text('reference'),
    kind: privacyWord(text('kind')),
    decision: privacyWord(text('decision')),
    outcome: privacyWord(text('outcome')),
    ref: text('person').replace(/^person:/, ''),
    // A number (correct, erase) or the ticket numbers (view, export: `npm run pdp -- accessed` reads them).
    tickets: Array.isArray(d.tickets) ? String(d.tickets.length) : text('tickets') || '0',
    messages: text('messages') || '0',
    photos: text('photos') || '0',
    conversations: text('conversations') || '0',
    into: text('into'),
    moved: text('moved') || '0',
    notified: typeof d.notified === 'number' ? String(d.notified) : '0',
    own: text('own'),
    n: Array.isArray(d.tickets) ? String(d.tickets.length) : '1',
    fields: fieldWords(d.fields),
    field: fieldWords(d.field),
    person: say(d.person === 'reporter' ? ['pelapor', 'reporter'] : ['pengikut', 'follower']),
    fromUser: text('from') ? actorName(`operator:${text('from')}`, people) : say(['tidak ada', 'nobody']),
    toUser: text('to') ? actorName(`operator:${text('to')}`, people) : '',
    user,
    role,
  });
}
