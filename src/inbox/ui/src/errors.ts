// What the API refused, in the operator's language: the server answers with a
// stable `code` and the facts as `details` (never shown as its English `message`),
// and this says it as a sentence ("Telepon: nomor tidak dikenali …").
import { ApiError } from './api.js';
import { label, say, t, type TextKey } from './i18n.js';

type Pair = readonly [string, string];

const ERRORS: Readonly<Record<string, Pair>> = {
  unknown_action: ['Tindakan itu tidak dikenal.', 'That action is not known.'],
  bad_cursor: ['Daftar sudah berubah; muat ulang halaman.', 'The list has changed; reload the page.'],
  self_disable: ['Anda tidak dapat menonaktifkan akun Anda sendiri.', 'You cannot disable your own account.'],
  username_taken: ['Nama pengguna itu sudah dipakai.', 'That username is taken.'],
  unauthenticated: ['Sesi Anda sudah berakhir. Silakan masuk lagi.', 'Your session has ended. Please log in again.'],
  invalid_credentials: ['Nama pengguna atau kata sandi salah.', 'Wrong username or password.'],
  csrf: ['Sesi tidak cocok. Muat ulang halaman lalu coba lagi.', 'The session does not match. Reload the page and try again.'],
  forbidden: ['Peran Anda tidak mengizinkan tindakan ini.', 'Your role does not allow this.'],
  wrong_password: ['Kata sandi saat ini salah.', 'The current password is wrong.'],
  not_found: ['Tidak ditemukan.', 'Not found.'],
  ticket_not_found: ['Tiket tidak ditemukan.', 'Ticket not found.'],
  unknown_operator: ['Operator itu tidak ada.', 'There is no such operator.'],
  stale_version: ['Tiket sudah diubah orang lain; tampilan dimuat ulang. Periksa lalu coba lagi.', 'Someone else changed the ticket; it has been reloaded. Check it and try again.'],
  transition_not_allowed: ['"{action}" tidak bisa dilakukan saat tiket berstatus "{status}".', '"{action}" is not possible while the ticket is "{status}".'],
  note_required: ['Tulis alasannya di "Catatan / alasan" dulu, lalu tekan "{action}" lagi.', 'Write the reason in "Note / reason" first, then press "{action}" again.'],
  result_missing: ['OPD belum mengirim hasil tindak lanjut.', 'The agency has not submitted a result yet.'],
  photo_not_publishable: ['Hanya foto JPEG atau PNG yang dapat ditampilkan di halaman publik.', 'Only JPEG and PNG photos can be shown on the public page.'],
  result_text_required: ['Tulis hasil tindak lanjutnya.', 'Write the follow-up result.'],
  same_agency: ['Tiket ini sudah ada di OPD itu. Pilih OPD lain.', 'The ticket is already with that agency. Choose another one.'],
  merge_self: ['Tiket tidak dapat digabungkan ke dirinya sendiri. Tulis nomor tiket lain.', 'A ticket cannot be merged into itself. Enter another ticket number.'],
  merge_target_closed: ['Tiket tujuan berstatus "{status}": hanya tiket yang menunggu tanggapan atau sedang ditindaklanjuti yang bisa menerima gabungan.', 'The other ticket is "{status}": only tickets awaiting a response or in progress can take a merge.'],
  not_merged: ['Tiket ini tidak ditutup karena digabungkan.', 'This ticket was not closed by a merge.'],
  reopen_merged: ['Tiket ini digabungkan ke tiket lain. Untuk membukanya kembali, buka tiket tujuan lalu tekan "Pisahkan" pada pelapornya.', 'This ticket was merged into another. To reopen it, open that ticket and press "Separate" on its reporter.'],
  follower_not_found: ['Warga itu sudah tidak mengikuti tiket ini (mungkin sudah dipisahkan). Tampilan dimuat ulang.', 'That citizen no longer follows this ticket (separated already?). The view has been reloaded.'],
  owned_by_other: ['Operator lain baru saja mengambil tiket ini; tampilan dimuat ulang.', 'Another operator has just taken this ticket; it has been reloaded.'],
  not_a_colleague: ['Operator itu tidak dapat memegang tiket ini (OPD lain, pimpinan, atau nonaktif).', 'That operator cannot own this ticket (another agency, a supervisor, or disabled).'],
  no_channel: ['Pelapor tidak dapat dihubungi lewat bot.', 'The reporter cannot be reached through the bot.'],
  idempotency_in_progress: ['Permintaan yang sama masih diproses. Tunggu sebentar.', 'The same request is still being handled. Wait a moment.'],
  idempotency_key_reused: ['Permintaan bertabrakan dengan yang sebelumnya. Muat ulang halaman.', 'The request clashes with an earlier one. Reload the page.'],
  multipart_required: ['Hasil harus dikirim lewat formulir.', 'The result must be sent with the form.'],
  locked: ['Akun dikunci sementara karena terlalu banyak percobaan gagal. Coba lagi nanti atau minta admin mengatur kata sandi baru.', 'The account is locked for a while after too many failed attempts. Try later, or ask an admin to set a new password.'],
  rate_limited: ['Terlalu banyak percobaan masuk. Coba lagi sebentar lagi.', 'Too many login attempts. Try again in a minute.'],
  query_invalid: ['Tulis nomor HP, email, atau ID akun yang lengkap (minimal beberapa angka atau huruf).', 'Enter a whole phone number, email or account ID (at least a few digits or letters).'],
  person_not_found: ['Tidak ada data tersimpan untuk orang ini (mungkin sudah dihapus).', 'Nothing is stored for this person (erased already?).'],
  request_closed: ['Permintaan ini sudah ditutup oleh petugas lain; daftar dimuat ulang.', 'This request has already been closed by someone else; the list has been reloaded.'],
  request_not_found: ['Permintaan itu tidak ditemukan.', 'That request was not found.'],
  bad_request: ['Permintaan tidak dapat dibaca.', 'The request could not be read.'],
  internal: ['Terjadi kesalahan di server. Coba lagi.', 'Something went wrong on the server. Try again.'],
  network: ['Server tidak dapat dihubungi. Periksa koneksi lalu coba lagi.', 'The server cannot be reached. Check the connection and try again.'],
  unknown: ['Permintaan ditolak ({code}).', 'The request was refused ({code}).'],
};

const PROBLEMS: Readonly<Record<string, Pair>> = {
  required: ['{field} wajib diisi.', '{field} is required.'],
  too_short: ['{field} minimal {limit} karakter.', '{field} needs at least {limit} characters.'],
  too_long: ['{field} maksimal {limit} karakter.', '{field} takes at most {limit} characters.'],
  too_small: ['{field} paling kecil {limit}.', '{field} must be at least {limit}.'],
  too_big: ['{field} paling besar {limit}.', '{field} must be at most {limit}.'],
  email: ['{field}: alamat email tidak valid.', '{field}: not a valid email address.'],
  phone: ['{field}: nomor tidak dikenali. Contoh: 0812 3456 7890.', '{field}: not a phone number. Example: 0812 3456 7890.'],
  format: ['{field}: bentuknya tidak sesuai.', '{field}: not in the expected form.'],
  username_format: ['{field}: 2–64 huruf kecil, angka, ".", "_" atau "-".', '{field}: 2–64 lowercase letters, digits, ".", "_" or "-".'],
  type: ['{field}: isinya tidak sesuai.', '{field}: wrong kind of value.'],
  choice: ['{field}: pilihan tidak dikenal.', '{field}: not one of the choices.'],
  unknown_field: ['Kolom tidak dikenal: {limit}.', 'Unknown field: {limit}.'],
  unknown_category: ['Kategori tidak dikenal.', 'Unknown category.'],
  unknown_agency: ['OPD tidak dikenal.', 'Unknown agency.'],
  unknown_forwarding: ['Kanal penerusan tidak dikenal.', 'Unknown forwarding channel.'],
  agency_only: ['Hanya Operator OPD yang terikat pada satu OPD.', 'Only agency operators belong to an agency.'],
  invalid: ['{field} tidak valid.', '{field} is not valid.'],
};

const PHOTO_PROBLEMS: Readonly<Record<string, Pair>> = {
  too_large: ['Foto {filename} terlalu besar (maksimal {mb} MB).', 'Photo {filename} is too large (at most {mb} MB).'],
  empty: ['Berkas {filename} kosong.', 'File {filename} is empty.'],
  not_an_image: ['{filename} bukan foto (JPEG, PNG, GIF, WebP atau HEIC).', '{filename} is not a photo (JPEG, PNG, GIF, WebP or HEIC).'],
  not_allowed: ['Jenis berkas {filename} tidak diterima.', 'Files like {filename} are not accepted.'],
};

const PASSWORD_PROBLEMS: Readonly<Record<string, Pair>> = {
  too_short: ['Kata sandi baru minimal {min} karakter.', 'The new password needs at least {min} characters.'],
  too_long: ['Kata sandi baru maksimal {max} karakter.', 'The new password takes at most {max} characters.'],
  unchanged: ['Kata sandi baru harus berbeda dari yang sekarang.', 'The new password must differ from the current one.'],
};

/** The form labels the operator sees, for the API's field paths. */
const FIELDS: Readonly<Record<string, TextKey>> = {
  'reporter.name': 'name',
  'reporter.phone': 'phone',
  'reporter.address': 'address',
  'reporter.email': 'email',
  category: 'category',
  description: 'description',
  channel: 'channel',
  'location.latitude': 'latitude',
  'location.longitude': 'longitude',
  'location.address': 'locationAddress',
  text: 'message',
  note: 'noteOrReason',
  agency: 'agency',
  username: 'username',
  name: 'name',
  password: 'password',
  role: 'role',
  current: 'currentPassword',
  // The DPO's correction (POST /api/privacy/people/:key/correct) names the person's own fields.
  phone: 'phone',
  email: 'email',
  address: 'address',
};

export interface Issue { field: string; problem: string; limit?: string | number }

export function issueText(issue: Issue): string {
  const key = FIELDS[issue.field];
  const field = key ? t(key) : issue.field;
  const problem = issue.field === 'username' && issue.problem === 'format' ? 'username_format' : issue.problem;
  return say(PROBLEMS[problem] ?? PROBLEMS.invalid ?? ['', ''], { field, limit: issue.limit ?? '' });
}

/** The sentence for one refusal of the API. `agencyName` names an agency code in it. */
export function errorMessage(code: string, details: Readonly<Record<string, unknown>> = {}, agencyName: (code: string) => string = (c) => c): string {
  const text = (key: string) => (typeof details[key] === 'string' || typeof details[key] === 'number' ? String(details[key]) : '');
  if (code === 'validation' && Array.isArray(details.issues)) return (details.issues as Issue[]).map(issueText).join(' ');
  if (code === 'bad_photo') return say(PHOTO_PROBLEMS[text('reason')] ?? PHOTO_PROBLEMS.not_allowed ?? ['', ''], { filename: text('filename'), mb: Math.round(Number(details.limit ?? 0) / 1_048_576) });
  if (code === 'weak_password') return say(PASSWORD_PROBLEMS[text('problem')] ?? PASSWORD_PROBLEMS.too_short ?? ['', ''], { min: text('min'), max: text('max') });
  const pair = ERRORS[code];
  if (!pair) return say(ERRORS.unknown ?? ['', ''], { code });
  return say(pair, { action: label(text('action')), status: label(text('status')), agency: agencyName(text('agency')) });
}

/** Whatever a failed call threw, as the operator reads it. */
export function errorText(error: unknown, agencyName?: (code: string) => string): string {
  if (error instanceof ApiError) return errorMessage(error.code, error.details, agencyName);
  return errorMessage('network');
}
