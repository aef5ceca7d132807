// The card of citizens' data requests (Settings page), Indonesian first; `say` fills {n}.
export const DATA_REQUEST_TEXTS = {
  title: ['Permintaan data pribadi', 'Personal data requests'],
  intro: [
    'Warga yang menulis "hapus data saya" di percakapan tercatat di sini (UU PDP No. 27/2022). Petugas pelindungan data pribadi akan menanganinya dan menjawab lewat kanal yang sama; laporan warga tetap berjalan sampai saat itu.',
    'Citizens who wrote "delete my data" in a conversation are listed here (Personal Data Protection Law No. 27/2022). The data protection officer will handle them and answer on the same channel; the citizens\' reports keep running until then.',
  ],
  none: ['Tidak ada permintaan yang terbuka.', 'No open requests.'],
  count: ['{n} permintaan terbuka', '{n} open requests'],
  reference: ['Nomor', 'Reference'],
  channel: ['Kanal', 'Channel'],
  received: ['Diterima', 'Received'],
  account: ['Akun warga (disamarkan)', 'Citizen\'s account (masked)'],
  kind: ['Permintaan', 'Request'],
  erase: ['Hapus data', 'Erase data'],
  loadFailed: ['Daftar permintaan tidak dapat dimuat.', 'The requests could not be loaded.'],
} as const;
