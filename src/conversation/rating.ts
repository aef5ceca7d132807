// "Seberapa puas…?" answered as people answer it in chat: a number ("4",
// "4 bintang", "4/5", "nilai 4", "empat"), stars ("⭐⭐⭐⭐"), a button's label,
// or words ("puas banget", "biasa aja", "kecewa"), colloquial Indonesian
// first, English too, with the thanks and the "pak"/"min" people add around
// them. Pure: text in, a score (or "ask again", or not a rating) out. Whatever
// is not clearly a rating is not one: the message may be a new report.
import { answerKey } from './answers.js';

export type Score = 1 | 2 | 3 | 4 | 5;

/**
 * A score; `outOfRange` for a number that is no score on 1–5 ("10", "0"), and `courtesy` for thanks alone
 * ("makasih", "ok"): both are answered and the question stays; undefined: not a rating.
 */
export type RatingAnswer = { readonly score: Score } | { readonly outOfRange: true } | { readonly courtesy: true } | undefined;

/** Whole-answer words per score. Compared through `answerKey` ("puasss bangettt" → "puas banget"). */
export const RATING_WORDS: Readonly<Record<Score, readonly string[]>> = {
  5: [
    'sangat puas', 'puas banget', 'puas bgt', 'puas sekali', 'puas sangat', 'sangat puas sekali', 'puas pol', 'puas poll', 'puol puas', 'mantap', 'mantab', 'mantul', 'jos', 'mantap jos', 'top markotop', 'puas pol pokoknya', 'mantap banget', 'mantap jiwa', 'luar biasa', 'keren', 'keren banget', 'top', 'sempurna', 'sangat bagus', 'bagus banget', 'sangat memuaskan', 'memuaskan sekali',
    'very satisfied', 'extremely satisfied', 'very happy', 'very good', 'excellent', 'perfect', 'great', 'amazing', 'awesome',
  ],
  4: ['puas', 'cukup puas', 'lumayan puas', 'cukup memuaskan', 'senang', 'memuaskan', 'bagus', 'baik', 'satisfied', 'happy', 'good', 'pretty good'],
  3: ['biasa', 'biasa aja', 'biasa saja', 'biasa2 aja', 'biasa2 saja', 'b aja', 'lumayan', 'cukup', 'standar', 'standard', 'so so', 'netral', 'neutral', 'average', 'fine', 'okay ish', 'neither'],
  2: ['kurang puas', 'kurang', 'agak kecewa', 'sedikit kecewa', 'tidak terlalu puas', 'gak terlalu puas', 'kurang begitu puas', 'kurang memuaskan', 'kurang bagus', 'kurang baik', 'not quite satisfied', 'not very satisfied', 'somewhat dissatisfied', 'not so good', 'meh'],
  1: [
    'tidak puas', 'tdk puas', 'gak puas', 'ga puas', 'nggak puas', 'ngga puas', 'enggak puas', 'engga puas', 'ndak puas', 'sangat tidak puas', 'kecewa', 'sangat kecewa', 'kecewa banget', 'kecewa berat', 'kecewa sekali', 'tidak memuaskan', 'buruk', 'jelek', 'parah', 'parah banget', 'payah', 'sangat buruk',
    'not satisfied', 'dissatisfied', 'very dissatisfied', 'unsatisfied', 'disappointed', 'very disappointed', 'bad', 'very bad', 'terrible', 'awful', 'poor',
  ],
};

/** Said around an answer, meaning nothing about the score: thanks, forms of address, particles, "saya". */
const AROUND = ['terima kasih', 'terimakasih', 'makasih', 'banyak', 'ya allah', 'alhamdulillah', 'makasi', 'mksh', 'trims', 'tq', 'thanks', 'thank you', 'thx', 'ty', 'pak', 'bu', 'bapak', 'ibu', 'kak', 'kakak', 'min', 'admin', 'mas', 'mbak', 'bang', 'sih', 'deh', 'dong', 'nih', 'kok', 'lah', 'loh', 'lho', 'gan', 'ya', 'yah', 'sudah', 'udah', 'udh', 'saya', 'aku', 'sy', 'gue', 'gw', 'kami', 'i am', 'i m', 'im', 'we are', 'rating', 'nilai', 'nilainya', 'skor', 'score', 'penilaian', 'kasih', 'beri', 'i give', 'give', 'saya kasih', 'saya beri', 'untuk', 'buat'];

/** A message of only these (and the words said around an answer) is thanks, not a rating nor a new matter. */
const COURTESY = new Set(['ok', 'oke', 'okay', 'okey', 'okeh', 'sip', 'siap', 'noted', 'baiklah', '👍', '🙏'].map(answerKey));

const NUMBER_WORDS: Readonly<Record<string, number>> = { satu: 1, dua: 2, tiga: 3, empat: 4, lima: 5, one: 1, two: 2, three: 3, four: 4, five: 5 };
/** What may stand with a number: "4 bintang", "bintang 4", "4 stars", "4 dari 5", "4/5". */
const STAR_WORDS = new Set(['bintang', 'bintangnya', 'star', 'stars']);
const STARS = /[⭐🌟★]/gu;

const byKey = new Map<string, Score>(Object.entries(RATING_WORDS).flatMap(([score, words]) => words.map((w) => [answerKey(w), Number(score) as Score] as const)));
const aroundWords = AROUND.map((w) => answerKey(w).split(' ')).sort((a, b) => b.length - a.length);

const isScore = (n: number): n is Score => Number.isInteger(n) && n >= 1 && n <= 5;

/**
 * The score a message gives, reading `labels` (the buttons' labels, by score) as well, so a button
 * whose label is sent back as text ("Puas", "Satisfied") counts whatever its wording.
 */
export function readRating(text: string | undefined, labels: Readonly<Partial<Record<Score, readonly string[]>>> = {}): RatingAnswer {
  const raw = (text ?? '').trim();
  if (raw === '') return undefined;
  // Stars only (with the emoji's variation selector and spaces): their number.
  const stars = raw.match(STARS)?.length ?? 0;
  if (stars > 0 && raw.replace(STARS, '').replace(/[\s\uFE0F]/gu, '') === '') return isScore(stars) ? { score: stars } : { outOfRange: true };
  // "4/5", "4 dari 5", "4 out of 5": the number before the scale.
  const scaled = /^(\d{1,2})\s*(?:\/|dari|of|out of)\s*5\b/iu.exec(raw);
  const key = answerKey(scaled ? `${scaled[1] ?? ''} ${raw.slice(scaled[0].length)}` : raw);
  for (const [score, words] of Object.entries(labels)) {
    if (words.some((w) => answerKey(w) === key)) return { score: Number(score) as Score };
  }
  const words = strip(key.split(' ').filter((w) => w !== ''));
  if (words.every((w) => COURTESY.has(w))) return key === '' ? undefined : { courtesy: true };
  const number = numberIn(words.filter((w) => !COURTESY.has(w)));
  if (number !== undefined) return isScore(number) ? { score: number } : { outOfRange: true };
  const score = byKey.get(words.join(' '));
  return score === undefined ? undefined : { score };
}

const numberOf = (word: string): number | undefined => (/^\d{1,2}$/.test(word) ? Number(word) : NUMBER_WORDS[word]);

/**
 * The one number of the answer, alone or with "bintang"/"stars" and words of a rating ("bintang 4",
 * "lima", "5 bintang mantap"); undefined when other words are there ("5 lampu mati": a report).
 */
function numberIn(words: readonly string[]): number | undefined {
  const rest = words.filter((w) => !STAR_WORDS.has(w));
  const at = rest.findIndex((w) => numberOf(w) !== undefined);
  if (at < 0) return undefined;
  const others = [...rest.slice(0, at), ...rest.slice(at + 1)].join(' ');
  return others === '' || byKey.has(others) ? numberOf(rest[at] ?? '') : undefined;
}

/** The words with the ones said around an answer taken away, wherever they stand ("puas banget makasih min" → "puas banget"). */
function strip(words: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < words.length; ) {
    const around = aroundWords.find((phrase) => phrase.every((w, j) => words[i + j] === w));
    if (around) i += around.length;
    else kept.push(words[i++] ?? '');
  }
  return kept;
}
