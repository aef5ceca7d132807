// Operator-facing texts, Indonesian first. The choice is kept in the
// browser; switching reloads the page so every text follows.
export type Lang = 'id' | 'en';

export const lang: Lang = localStorage.getItem('aduan.lang') === 'en' ? 'en' : 'id';

export function switchLang(): void {
  localStorage.setItem('aduan.lang', lang === 'id' ? 'en' : 'id');
  location.reload();
}

const TEXTS = {
  appTitle: ['Kotak masuk operator', 'Operator inbox'],
  username: ['Nama pengguna', 'Username'],
  password: ['Kata sandi', 'Password'],
  login: ['Masuk', 'Log in'],
  logout: ['Keluar', 'Log out'],
  otherLang: ['English', 'Bahasa Indonesia'],
  tickets: ['Tiket', 'Tickets'],
  dashboard: ['Dasbor', 'Dashboard'],
  newComplaint: ['Pengaduan baru', 'New complaint'],
  search: ['Cari nomor, nama, telepon, uraian…', 'Search number, name, phone, description…'],
  allStatuses: ['Semua status', 'All statuses'],
  allAgencies: ['Semua OPD', 'All agencies'],
  allCategories: ['Semua kategori', 'All categories'],
  allChannels: ['Semua kanal', 'All channels'],
  overdueOnly: ['Hanya yang terlambat', 'Overdue only'],
  overdue: ['Terlambat', 'Overdue'],
  more: ['Muat lagi', 'Load more'],
  none: ['Tidak ada tiket.', 'No tickets.'],
  updated: ['Ada pembaruan', 'Updated'],
  reporter: ['Pelapor', 'Reporter'],
  location: ['Lokasi', 'Location'],
  noLocation: ['Tidak ada lokasi', 'No location'],
  photos: ['Foto', 'Photos'],
  conversation: ['Percakapan', 'Conversation'],
  history: ['Riwayat', 'History'],
  notes: ['Catatan internal', 'Internal notes'],
  addNote: ['Tambah catatan', 'Add note'],
  reply: ['Balas ke pelapor', 'Reply to the reporter'],
  send: ['Kirim', 'Send'],
  canned: ['Jawaban siap pakai…', 'Canned responses…'],
  noReply: ['Pelapor tidak dapat dihubungi lewat bot.', 'The reporter cannot be reached through the bot.'],
  actions: ['Tindakan', 'Actions'],
  noteOrReason: ['Catatan / alasan', 'Note / reason'],
  resultText: ['Hasil tindak lanjut', 'Follow-up result'],
  transferTo: ['Alihkan ke OPD', 'Transfer to agency'],
  transfer: ['Alihkan', 'Transfer'],
  result: ['Hasil dari OPD', 'The agency\'s result'],
  back: ['← Kembali', '← Back'],
  conflict: ['Tiket sudah diubah orang lain; tampilan dimuat ulang.', 'Someone else changed the ticket; reloaded.'],
  name: ['Nama', 'Name'],
  phone: ['Telepon', 'Phone'],
  address: ['Alamat', 'Address'],
  category: ['Kategori', 'Category'],
  description: ['Uraian', 'Description'],
  channel: ['Kanal', 'Channel'],
  locationAddress: ['Alamat lokasi masalah', 'Address of the problem'],
  latitude: ['Lintang', 'Latitude'],
  longitude: ['Bujur', 'Longitude'],
  save: ['Simpan', 'Save'],
  total: ['Total', 'Total'],
  compliance: ['Kepatuhan tanggapan 1×24 jam per OPD', 'First response within 24 h, per agency'],
  byStatus: ['Per status', 'By status'],
  last30: ['30 hari terakhir', 'Last 30 days'],
  reports: ['Laporan tersimpan', 'Stored reports'],
  you: ['Anda', 'You'],
  bot: ['Bot', 'Bot'],
} satisfies Record<string, [string, string]>;

export type TextKey = keyof typeof TEXTS;

export const t = (key: TextKey): string => TEXTS[key][lang === 'id' ? 0 : 1];

const LABELS: Record<string, [string, string]> = {
  open: ['Menunggu tanggapan', 'Awaiting response'],
  in_progress: ['Sedang ditindaklanjuti', 'In progress'],
  resolved: ['Sudah ditindaklanjuti', 'Resolved'],
  closed: ['Selesai', 'Closed'],
  forwarded: ['Diteruskan', 'Forwarded'],
  rejected: ['Ditolak', 'Rejected'],
  whatsapp: ['WhatsApp', 'WhatsApp'],
  telegram: ['Telegram', 'Telegram'],
  email: ['Email', 'Email'],
  webchat: ['Web chat', 'Web chat'],
  phone: ['Telepon', 'Phone'],
  walk_in: ['Datang langsung', 'Walk-in'],
  respond: ['Tanggapi (mulai tindak lanjut)', 'Respond (start follow-up)'],
  submitResult: ['Kirim hasil', 'Submit result'],
  validate: ['Validasi hasil → selesai ditindaklanjuti', 'Validate result → resolved'],
  returnToAgency: ['Kembalikan ke OPD', 'Return to the agency'],
  reopen: ['Buka kembali', 'Reopen'],
  forward: ['Teruskan ke SP4N-LAPOR!', 'Forward to SP4N-LAPOR!'],
  reject: ['Tolak', 'Reject'],
  route: ['Alihkan', 'Transfer'],
  create: ['Dibuat', 'Created'],
  queued: ['dalam antrean', 'queued'],
  sent: ['terkirim', 'sent'],
  delivered: ['diterima', 'delivered'],
  read: ['dibaca', 'read'],
  failed: ['GAGAL', 'FAILED'],
  received: ['masuk', 'received'],
};

export const label = (code: string): string => LABELS[code]?.[lang === 'id' ? 0 : 1] ?? code;

export const localized = (text: { id: string; en?: string }): string => (lang === 'en' ? (text.en ?? text.id) : text.id);

export const when = (iso: string): string => new Date(iso).toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
