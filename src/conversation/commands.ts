// Commands a person may type at any point. Matched only as the whole message
// ("batal", "/status ADU-2611-00042"), never inside an answer, so "saya mau
// membatalkan…" or "menunya apa" are answers, not commands.
import { findTicketNumber } from '../tickets/numbers.js';
import type { Locale } from './texts.js';

export type Command =
  | { readonly type: 'cancel' | 'menu' | 'help' }
  | { readonly type: 'status'; readonly number?: string }
  | { readonly type: 'language'; readonly locale: Locale }
  | { readonly type: 'unknown'; readonly text: string };

const WORDS: Record<string, Command> = {
  batal: { type: 'cancel' },
  batalkan: { type: 'cancel' },
  cancel: { type: 'cancel' },
  menu: { type: 'menu' },
  start: { type: 'menu' },
  mulai: { type: 'menu' },
  bantuan: { type: 'help' },
  help: { type: 'help' },
  status: { type: 'status' },
  english: { type: 'language', locale: 'en' },
  inggris: { type: 'language', locale: 'en' },
  indonesia: { type: 'language', locale: 'id' },
  'bahasa indonesia': { type: 'language', locale: 'id' },
};

export function parseCommand(text: string | undefined): Command | undefined {
  const trimmed = (text ?? '').trim();
  const slash = trimmed.startsWith('/');
  // "/start@AduanBot payload" (Telegram) → "start"
  const normalised = trimmed.replace(/^\//, '').replace(/@\w+/, '').replace(/\s+/g, ' ').toLowerCase().replace(/[.!]+$/, '');
  const exact = WORDS[normalised];
  if (exact) return exact;
  const status = /^(?:status|cek status|cek)\s+(\S+)$/.exec(normalised);
  if (status) {
    const number = findTicketNumber(status[1] ?? '');
    return number ? { type: 'status', number } : { type: 'status' };
  }
  if (slash) {
    const word = normalised.split(' ')[0] ?? '';
    const command = WORDS[word];
    if (command) return command;
    return { type: 'unknown', text: trimmed.slice(0, 50) };
  }
  return undefined;
}
