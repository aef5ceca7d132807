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

/**
 * Whole-message answers by meaning, as people type them in chat (colloquial
 * Indonesian first). Compared through `answerKey`, so case, punctuation and
 * letters stretched for emphasis ("iyaaa", "okee") do not matter.
 */
export const ANSWER_WORDS = {
  /** Yes: it is so, it is done, go ahead. */
  yes: ['ya', 'y', 'iya', 'iy', 'iyah', 'yes', 'yup', 'yoi', 'ok', 'oke', 'okey', 'okay', 'sip', 'siap', 'betul', 'benar', 'bener', 'setuju', 'sudah', 'udah', 'udh', 'sdh', 'dah', '👍'],
  /**
   * Agreement to go ahead that says nothing about a fact ("no problem", "send
   * it"): a yes to "is this summary right?", not to "is the problem solved?".
   */
  goAhead: ['gpp', 'gapapa', 'ga papa', 'gak papa', 'nggak papa', 'ngga papa', 'tidak apa apa', 'gak apa apa', 'nggak apa apa', 'boleh', 'silakan', 'kirim', 'lanjut', 'lanjutkan'],
  no: ['tidak', 'tdk', 'tak', 'ga', 'gak', 'ngga', 'nggak', 'enggak', 'engga', 'ndak', 'nda', 'g', 'n', 'no', 'nope', 'belum', 'blm', 'blom', 'bukan', 'salah', 'jangan'],
  /** Cancel the report under way (a command: see commands.ts). */
  cancel: ['batal', 'batalin', 'batalkan', 'cancel', 'gak jadi', 'ga jadi', 'nggak jadi', 'ngga jadi', 'enggak jadi', 'tidak jadi', 'gajadi', 'gjd'],
  /** Nothing (more) to send at an optional step (the photos). */
  skip: ['skip', 'lewati', 'lewat', 'lanjut', 'next', 'sudah', 'udah', 'udh', 'sdh', 'dah', 'cukup', 'selesai', 'beres', 'done', 'finish', 'none', 'no photo', 'no photos', 'tanpa foto', 'kosong', 'tidak', 'gak', 'ga', 'nggak', 'ngga', 'enggak', 'no'],
} as const satisfies Record<string, readonly string[]>;

/** "tidak ada foto", "gak ada", "ga punya foto"…: every no-word before these means "no photo". */
const NOTHING_TO_SEND = ['ada', 'ada foto', 'ada fotonya', 'punya', 'punya foto', 'pakai foto', 'pake foto'];

/** Openings that look like an answer and are not one ("ya ampun", "tidak tahu"). */
const NOT_AN_ANSWER = ['ya ampun', 'ya allah', 'ya tuhan', 'tidak tahu', 'tidak tau', 'gak tau', 'ga tau', 'nggak tau', 'ngga tau', 'gatau', 'belum tahu', 'belum tau', 'no idea'];

/** After a yes, these make it a no with its reason ("sudah, tapi masih bocor" is not solved). */
const BUT = ['tapi', 'tetapi', 'namun', 'masih', 'belum', 'kecuali', 'cuma', 'but', 'still'];

/**
 * A message as it is compared with the word tables and choice labels: lower
 * case, punctuation as space, single spaces, a letter repeated for emphasis
 * written once ("Iyaaa!!" → "iya", "nggak" → "ngak": the tables go through it too).
 */
export function answerKey(text: string | undefined): string {
  return (text ?? '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{Extended_Pictographic}]+/gu, ' ')
    .replace(/(\p{L})\1+/gu, '$1')
    .trim();
}

type Meaning = keyof typeof ANSWER_WORDS;
const TABLE: Readonly<Record<Meaning, ReadonlySet<string>>> = {
  ...(Object.fromEntries(Object.entries(ANSWER_WORDS).map(([meaning, words]) => [meaning, new Set(words.map(answerKey))])) as Record<Meaning, Set<string>>),
  skip: new Set([...ANSWER_WORDS.skip, ...ANSWER_WORDS.no.flatMap((no) => NOTHING_TO_SEND.map((what) => `${no} ${what}`))].map(answerKey)),
};
const NOT_AN_ANSWER_KEYS = NOT_AN_ANSWER.map(answerKey);
const BUT_KEYS = new Set(BUT.map(answerKey));

/** The whole message means this ("Gak jadi" → cancel; "gak jadi, mau lapor jalan" does not). */
export function means(meaning: Meaning, text: string | undefined): boolean {
  return TABLE[meaning].has(answerKey(text));
}

export interface YesNo {
  readonly value: boolean;
  /** What followed the answer word ("Tidak, masih berlubang" → "masih berlubang"); empty for a bare answer. */
  readonly rest: string;
}

/**
 * A yes or no: the whole message (also "1"/"2" and the buttons' labels), or its
 * opening words when the rest goes with them ("iya sudah beres", "belum, masih
 * rusak"). A yes qualified by "but" or "still" is a no ("sudah tapi masih
 * bocor"). `goAhead` words count as yes only when `goAhead` is set: they agree
 * to proceed but do not say that a problem is solved.
 */
export function readYesNo(text: string | undefined, { goAhead = false, yesLabel = '', noLabel = '' } = {}): YesNo | undefined {
  const key = answerKey(text);
  if (key === '' || NOT_AN_ANSWER_KEYS.some((phrase) => key === phrase || key.startsWith(`${phrase} `))) return undefined;
  if (TABLE.goAhead.has(key)) return goAhead ? { value: true, rest: '' } : undefined;
  if (TABLE.yes.has(key) || key === '1' || key === answerKey(yesLabel)) return { value: true, rest: '' };
  if (TABLE.no.has(key) || key === '2' || key === answerKey(noLabel)) return { value: false, rest: '' };
  const words = key.split(' ');
  // The longest opening of table words: "ya" of "ya sudah beres", "belum" of "belum, masih rusak".
  for (let n = Math.min(3, words.length - 1); n >= 1; n--) {
    const lead = words.slice(0, n).join(' ');
    const rest = afterWords(clean(text), n);
    // "tidak apa-apa, …" is no "tidak": where agreeing says nothing, it is no answer.
    if (TABLE.goAhead.has(lead) && !goAhead) return undefined;
    if (TABLE.no.has(lead)) return { value: false, rest };
    if (TABLE.yes.has(lead) || TABLE.goAhead.has(lead)) return { value: !words.slice(n).some((w) => BUT_KEYS.has(w)), rest };
  }
  return undefined;
}

const WORD = '\\p{L}\\p{N}\\p{Extended_Pictographic}';

/** The text after its first `n` words and the punctuation after them ("Tidak, masih…" → "masih…"). */
function afterWords(text: string, n: number): string {
  return text.replace(new RegExp(`^(?:[^${WORD}]*[${WORD}]+){${String(n)}}[^${WORD}]*`, 'u'), '').trim();
}

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

/** A yes/no question of the flow ("is this summary right?", "use these details?"): "gpp" and "lanjut" agree too. */
export function answerConfirm(message: InboundMessage, yesLabel: string, noLabel: string): Answer<boolean> {
  if (answerKey(message.text) === '') return retry('retry.empty');
  const answer = readYesNo(message.text, { goAhead: true, yesLabel, noLabel });
  return answer ? ok(answer.value) : retry('retry.confirm');
}

/** "1", "no. 1", "pilih 1", or a line of the numbered list copied back ("1. Buat laporan/pengaduan"). */
const NUMBERED = /^(?:(?:no|nomor|nmr|pilih|pilihan|angka) )?(\d{1,2})(?: (.+))?$/;

/** A choice by its number in the list, its value (what WhatsApp's buttons send back) or its whole label. */
function chooseExactly(key: string, choices: readonly Choice[]): Choice | undefined {
  const numbered = NUMBERED.exec(key);
  const byNumber = numbered ? choices[Number(numbered[1]) - 1] : undefined;
  if (byNumber && (numbered?.[2] === undefined || numbered[2] === answerKey(byNumber.label))) return byNumber;
  return choices.find((c) => answerKey(c.value) === key || answerKey(c.label) === key);
}

/** The choice the whole message names (number, value or label), if any: for buttons beside another kind of answer. */
export function chosen(text: string | undefined, choices: readonly Choice[]): Choice | undefined {
  return chooseExactly(answerKey(text), choices);
}

/**
 * A choice named by part of its label ("tanya", "buat laporan"), or whose label
 * of two words or more the message contains ("mau cek status laporan"); only
 * when exactly one choice fits.
 */
function chooseByPart(key: string, choices: readonly Choice[]): Choice | undefined {
  if (key.length < 3) return undefined;
  const fits = choices.filter((c) => {
    const label = answerKey(c.label);
    return ` ${label} `.includes(` ${key} `) || (label.includes(' ') && ` ${key} `.includes(` ${label} `));
  });
  return fits.length === 1 ? fits[0] : undefined;
}

export function answerChoice(message: InboundMessage, choices: readonly Choice[]): Answer<string> {
  const key = answerKey(message.text);
  if (key === '') return retry('retry.empty');
  const chosen = chooseExactly(key, choices) ?? chooseByPart(key, choices);
  return chosen ? ok(chosen.value) : retry('retry.choice');
}

/** A category by number, by name, by the keywords in a free-text description ("jalan berlubang"), or by part of its name. */
export function answerCategory(message: InboundMessage, categories: readonly CategoryConfig[], locale: Locale): Answer<string> {
  const choices = categories.map((c) => ({ value: c.code, label: c.name[locale] ?? c.name.id }));
  const key = answerKey(message.text);
  if (key === '') return retry('retry.empty');
  const chosen = chooseExactly(key, choices)?.value ?? matchCategory(word(message.text), categories) ?? chooseByPart(key, choices)?.value;
  return chosen ? ok(chosen) : retry('retry.category');
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

/** Nothing (more) to send at the photo step: "selesai", "tidak ada foto", "gak ada", "skip", "udah"… */
export function isDoneWord(text: string | undefined): boolean {
  return means('skip', text);
}
