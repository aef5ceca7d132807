// Commands a person may type at any point. Matched only as the whole message
// ("batal", "/status ADU-2611-00042"), never inside an answer, so "saya mau
// membatalkan…" or "menunya apa" are answers, not commands. A ticket number
// on its own ("ADU-2612-00001", "cek adu-2612-00001") asks for its status.
import { findTicketNumber } from '../tickets/numbers.js';
import { means } from './answers.js';
import type { Locale } from './texts.js';

export type Command =
  | { readonly type: 'cancel' | 'menu' | 'help' }
  /** "hapus data saya": the person asks the city to erase their personal data (UU PDP 27/2022); handlers/data-request.ts. */
  | { readonly type: 'dataRequest' }
  | { readonly type: 'status'; readonly number?: string }
  | { readonly type: 'language'; readonly locale: Locale }
  | { readonly type: 'unknown'; readonly text: string };

const WORDS: Record<string, Command> = {
  menu: { type: 'menu' },
  start: { type: 'menu' },
  mulai: { type: 'menu' },
  bantuan: { type: 'help' },
  help: { type: 'help' },
  status: { type: 'status' },
  'cek status': { type: 'status' },
  english: { type: 'language', locale: 'en' },
  inggris: { type: 'language', locale: 'en' },
  indonesia: { type: 'language', locale: 'id' },
  'bahasa indonesia': { type: 'language', locale: 'id' },
  hapusdata: { type: 'dataRequest' },
  deletedata: { type: 'dataRequest' },
};

/**
 * "hapus data saya", "tolong hapus semua data pribadi saya", "delete my data": the whole message only, so a
 * story that mentions it ("kemarin petugas bilang hapus data saya saja") stays a story.
 */
const DATA_REQUEST = [
  /^(?:tolong |mohon |minta |saya mau |saya ingin )?(?:hapus|hapuskan|menghapus) (?:semua |seluruh )?data(?: pribadi)? (?:saya|aku|sy|gue|gw)(?: dong| ya| semua)?(?: (?:terima kasih|makasih|terimakasih))?$/,
  /^(?:please )?(?:delete|erase|remove) (?:all (?:of )?)?my (?:personal )?data(?: please)?$/,
];

/**
 * Words before a ticket number that ask for its status; the number alone asks too.
 * Whatever else surrounds a number ("ADU-2612-00001 belum ditangani") is a message, not a command.
 */
const STATUS_WORDS = ['status', 'cek status', 'cek', 'cek tiket', 'cek laporan', 'status tiket', 'status laporan', 'tiket', 'nomor tiket', 'lacak', 'check', 'check status', 'track'];
const STATUS_REQUEST = new RegExp(`^(?:(?:${STATUS_WORDS.join('|')}) ?:? ?)?(\\S+)\\s*\\?*$`);

export function parseCommand(text: string | undefined): Command | undefined {
  const trimmed = (text ?? '').trim();
  const slash = trimmed.startsWith('/');
  // "/start@AduanBot payload" (Telegram) → "start"
  const normalised = trimmed.replace(/^\//, '').replace(/@\w+/, '').replace(/\s+/g, ' ').toLowerCase().replace(/[.!]+$/, '');
  const exact = WORDS[normalised];
  if (exact) return exact;
  if (means('cancel', normalised)) return { type: 'cancel' };
  if (DATA_REQUEST.some((pattern) => pattern.test(normalised.replace(/[,?]/g, '').replace(/\s+/g, ' ').trim()))) return { type: 'dataRequest' };
  const status = STATUS_REQUEST.exec(normalised);
  const number = status ? findTicketNumber(status[1] ?? '') : undefined;
  if (number) return { type: 'status', number };
  // "status xyz": asked, with no number in it; the flow asks for one.
  if (/^(?:status|cek status|cek) \S+$/.test(normalised)) return { type: 'status' };
  if (slash) {
    const word = normalised.split(' ')[0] ?? '';
    const command = WORDS[word];
    if (command) return command;
    return { type: 'unknown', text: trimmed.slice(0, 50) };
  }
  return undefined;
}
