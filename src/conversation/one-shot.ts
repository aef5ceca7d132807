// Reading the facts of a report out of one free-form message (an email):
// labelled lines ("Telepon: 0812…", "Alamat: …"), a phone number or map
// coordinates anywhere in the text, and a reply that answers the questions
// in the order they were asked. Pure: candidates only; the flow's own answer
// validation decides what is accepted.
import type { OneShot } from './flow.js';

export type Fact = OneShot['facts'][number];
export type Candidates = Partial<Record<Fact, string>>;

/** Labels people write in front of a fact, Indonesian first; matched without case. */
const LABELS: Readonly<Partial<Record<Fact, readonly string[]>>> = {
  name: ['nama lengkap', 'nama pelapor', 'nama', 'name', 'full name'],
  phone: ['nomor telepon', 'no telepon', 'no. telepon', 'nomor hp', 'no hp', 'no. hp', 'nomor wa', 'no wa', 'telepon', 'telp', 'tlp', 'hp', 'whatsapp', 'wa', 'phone', 'mobile', 'phone number'],
  address: ['alamat pelapor', 'alamat rumah', 'alamat anda', 'alamat', 'address', 'home address'],
  category: ['kategori', 'jenis masalah', 'jenis laporan', 'jenis', 'category'],
  description: ['uraian', 'keterangan', 'isi laporan', 'laporan', 'description'],
  location: ['lokasi kejadian', 'lokasi masalah', 'lokasi', 'tempat kejadian', 'location'],
};

const LINE = /^\s*(?:[-*•]\s*)?(?:\d{1,2}[.)]\s*)?([\p{L} .]{2,30}?)\s*[:=]\s*(.*)$/u;

/** Values of labelled lines, by fact; the first occurrence of a label wins. */
export function labelledFacts(text: string): Candidates {
  const found: Candidates = {};
  for (const line of text.split(/\r?\n/)) {
    const match = LINE.exec(line);
    if (!match) continue;
    const label = (match[1] ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
    const value = (match[2] ?? '').trim();
    const fact = factOfLabel(label);
    if (fact && value !== '' && found[fact] === undefined && !isPlaceholder(value)) found[fact] = value;
  }
  return found;
}

function factOfLabel(label: string): Fact | undefined {
  for (const [fact, labels] of Object.entries(LABELS) as [Fact, readonly string[]][]) {
    if (labels.includes(label)) return fact;
  }
  return undefined;
}

/** "(nomor HP …)" copied back from our own question, unfilled. */
function isPlaceholder(value: string): boolean {
  return /^\(.*\)$/.test(value) || /^\.{2,}$|^_+$/.test(value);
}

/** Lines that carry a label, dropped when the rest of the text is read as a whole. */
export function withoutLabelledLines(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((line) => {
      const match = LINE.exec(line);
      return !match || factOfLabel((match[1] ?? '').trim().toLowerCase().replace(/\s+/g, ' ')) === undefined;
    })
    .join('\n')
    .trim();
}

const PHONE = /(?:\+62|\b62|\b0)[\s.-]?8\d(?:[\s.-]?\d){6,11}\b/;

/** An Indonesian mobile number written anywhere in the text. */
export function findPhone(text: string): string | undefined {
  return PHONE.exec(text)?.[0];
}

const COORDINATES = /(-?\d{1,2}\.\d{3,})\s*,\s*(-?\d{1,3}\.\d{3,})/;

/** Map coordinates written in the text or inside a maps link (…/@-6.2,106.8,17z or ?q=-6.2,106.8). */
export function findCoordinates(text: string): { latitude: number; longitude: number } | undefined {
  const match = COORDINATES.exec(text.replace(/%2C/gi, ','));
  if (!match) return undefined;
  const latitude = Number(match[1]);
  const longitude = Number(match[2]);
  return Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 ? { latitude, longitude } : undefined;
}

/**
 * What a reply to "please send these missing facts" says about each of them:
 * labelled lines first; without labels, a reply to one question is its answer,
 * and as many lines as questions answer them in order.
 */
export function answersToQuestions(text: string, asked: readonly Fact[]): Candidates {
  const labelled = labelledFacts(text);
  const candidates: Candidates = {};
  for (const fact of asked) {
    const value = labelled[fact];
    if (value !== undefined) candidates[fact] = value;
  }
  if (Object.keys(labelled).length > 0) return candidates;
  const body = text.trim();
  if (body === '') return candidates;
  if (asked.length === 1 && asked[0]) {
    candidates[asked[0]] = body.split(/\n\s*\n/)[0]?.trim() ?? body;
    return candidates;
  }
  const lines = body.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === asked.length) asked.forEach((fact, i) => { candidates[fact] = lines[i]?.replace(/^\d{1,2}[.)]\s*/, ''); });
  return candidates;
}
