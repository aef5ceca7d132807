// Validation of one answer of an expected kind: pure functions from the
// inbound message to a value, or to the text key that asks again.
import type { CategoryConfig } from '../config/schema.js';
import { findTicketNumber } from '../tickets/numbers.js';
import type { Choice, InboundMessage } from './messages.js';
import { normalisePhone } from './phone.js';
import type { Locale } from './texts.js';

export type Answer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly retry: string; readonly vars?: Record<string, string | number> };

const ok = <T>(value: T): Answer<T> => ({ ok: true, value });
const retry = (key: string, vars?: Record<string, string | number>): Answer<never> => ({ ok: false, retry: key, ...(vars ? { vars } : {}) });

const YES = new Set(['ya', 'y', 'iya', 'yes', 'ok', 'oke', 'benar', 'betul', 'setuju', 'sudah', 'kirim', 'lanjut']);
const NO = new Set(['tidak', 'tdk', 'gak', 'nggak', 'enggak', 'no', 'n', 'bukan', 'salah', 'belum', 'jangan']);
export const DONE_WORDS = new Set(['selesai', 'lewati', 'skip', 'done', 'tidak ada', 'tidak', 'gak ada', 'cukup', 'sudah', 'finish', 'none', 'no']);

/** Text with surrounding space and repeated inner spaces removed. */
export const clean = (text: string | undefined): string => (text ?? '').replace(/\s+/g, ' ').trim();
const word = (text: string | undefined): string => clean(text).toLowerCase().replace(/[.!?,]+$/, '');

export function answerText(message: InboundMessage, min: number, max: number): Answer<string> {
  const text = (message.text ?? '').trim();
  if (text === '') return retry('retry.empty');
  if (text.length > max) return retry('retry.text_too_long', { length: text.length, max });
  if (text.length < min) return retry('retry.text', { min });
  return ok(text);
}

export function answerName(message: InboundMessage): Answer<string> {
  const name = clean(message.text);
  if (name === '') return retry('retry.empty');
  const letters = name.match(/\p{L}/gu)?.length ?? 0;
  if (name.length > 80 || letters < 2 || !/^[\p{L}\p{M}][\p{L}\p{M} .,'-]*$/u.test(name)) return retry('retry.name');
  return ok(name);
}

export function answerPhone(message: InboundMessage): Answer<string> {
  const shared = message.contact && message.contact.own !== false ? normalisePhone(message.contact.phone) : undefined;
  if (shared) return ok(shared);
  if (clean(message.text) === '') return retry(message.contact ? 'retry.phone' : 'retry.empty');
  const phone = normalisePhone(message.text ?? '');
  return phone ? ok(phone) : retry('retry.phone');
}

export function answerAddress(message: InboundMessage): Answer<string> {
  const address = clean(message.text);
  if (address === '') return retry('retry.empty');
  if (address.length < 5 || address.length > 300) return retry('retry.address');
  return ok(address);
}

export function answerConfirm(message: InboundMessage, yesLabel: string, noLabel: string): Answer<boolean> {
  const w = word(message.text);
  if (w === '') return retry('retry.empty');
  if (YES.has(w) || w === '1' || w === yesLabel.toLowerCase()) return ok(true);
  if (NO.has(w) || w === '2' || w === noLabel.toLowerCase()) return ok(false);
  // "belum, masih rusak" / "ya sudah beres": the first word decides.
  const first = w.split(/[\s,.;:!?]+/)[0] ?? '';
  if (YES.has(first)) return ok(true);
  if (NO.has(first)) return ok(false);
  return retry('retry.confirm');
}

export function answerChoice(message: InboundMessage, choices: readonly Choice[]): Answer<string> {
  const w = word(message.text);
  if (w === '') return retry('retry.empty');
  const index = /^\d{1,2}$/.test(w) ? Number(w) - 1 : -1;
  const byNumber = choices[index];
  if (byNumber) return ok(byNumber.value);
  const byText = choices.find((c) => c.value.toLowerCase() === w || c.label.toLowerCase() === w);
  return byText ? ok(byText.value) : retry('retry.choice');
}

/** A category by number, by name, or by the keywords in a free-text description ("jalan berlubang"). */
export function answerCategory(message: InboundMessage, categories: readonly CategoryConfig[], locale: Locale): Answer<string> {
  const choices = categories.map((c) => ({ value: c.code, label: c.name[locale] ?? c.name.id }));
  const direct = answerChoice(message, choices);
  if (direct.ok) return direct;
  const w = word(message.text);
  if (w === '') return retry('retry.empty');
  const matched = matchCategory(w, categories);
  return matched ? ok(matched) : retry('retry.category');
}

export function matchCategory(text: string, categories: readonly CategoryConfig[]): string | undefined {
  const words = new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean));
  const lower = text.toLowerCase();
  let best: { code: string; score: number } | undefined;
  for (const c of categories) {
    const terms = [...c.keywords, c.name.id, ...(c.name.en ? [c.name.en] : [])].map((t) => t.toLowerCase());
    const score = terms.filter((t) => (t.includes(' ') ? lower.includes(t) : words.has(t))).length;
    if (score > 0 && (!best || score > best.score)) best = { code: c.code, score };
  }
  return best?.code;
}

export interface LocationAnswer {
  latitude?: number;
  longitude?: number;
  address?: string;
}

export function answerLocation(message: InboundMessage): Answer<LocationAnswer> {
  if (message.location) {
    const { latitude, longitude, address } = message.location;
    const valid = Number.isFinite(latitude) && Number.isFinite(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 && !(latitude === 0 && longitude === 0);
    if (!valid) return retry('retry.location_invalid');
    return ok({ latitude, longitude, ...(address ? { address: clean(address).slice(0, 300) } : {}) });
  }
  const text = clean(message.text);
  if (text === '') return retry(message.photos?.length ? 'retry.location' : 'retry.empty');
  if (text.length < 5) return retry('retry.location');
  return ok({ address: text.slice(0, 300) });
}

export function answerTicketNumber(message: InboundMessage, example: string): Answer<string> {
  const number = findTicketNumber(message.text ?? '');
  return number ? ok(number) : retry(clean(message.text) === '' ? 'retry.empty' : 'retry.status_number', { example });
}

export function isDoneWord(text: string | undefined): boolean {
  return DONE_WORDS.has(word(text));
}
