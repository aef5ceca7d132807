// Texts of masked personal data and its reveal (issue 17 item 4), Indonesian first.
export const PRIVACY_TEXTS = {
  reveal: ['Tampilkan', 'Show'],
  revealField: ['Tampilkan {field} lengkap (tercatat di jejak audit)', 'Show the full {field} (recorded in the audit trail)'],
  masked: ['disamarkan', 'masked'],
  phone: ['nomor telepon', 'phone number'],
  email: ['email', 'email'],
  address: ['alamat', 'address'],
  channelUserId: ['akun kanal', 'channel account'],
  audited: ['Data pribadi pelapor disamarkan. Membukanya tercatat atas nama Anda.', "The reporter's personal data is masked. Showing it is recorded in your name."],
} as const;
