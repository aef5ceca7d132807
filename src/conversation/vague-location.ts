// Whether a typed location says where to go. An agency crew needs a street, a
// number or a named landmark; "dekat pasar", "di sini" or "rumah saya" name
// none, and are asked about once (see the engine's location step). Pure and
// deliberately forgiving: a false "specific" costs one vague ticket, a false
// "vague" one extra question, never more.

/** Words that start a street or area; they count when something names them ("Jl. Melati", "RT 02", "Gg. Mawar"). */
const PLACE_WORDS = [
  'jl', 'jln', 'jalan', 'gg', 'gang', 'lr', 'lorong', 'blok', 'komp', 'komplek', 'kompleks', 'perum', 'perumahan', 'rt', 'rw',
  'kel', 'kelurahan', 'desa', 'ds', 'dusun', 'kec', 'kecamatan', 'kp', 'kampung', 'km', 'simpang', 'no', 'nomor', 'nmr',
];

/** English street words follow their name ("Baker Street"). */
const PLACE_SUFFIXES = ['street', 'st', 'road', 'rd', 'avenue', 'ave', 'lane'];

/** Landmarks; they count when named ("Masjid Al-Ikhlas", "Pasar Baru"), not on their own ("dekat pasar"). */
const LANDMARKS = [
  'pasar', 'masjid', 'mesjid', 'musala', 'mushola', 'musholla', 'musalla', 'langgar', 'surau', 'gereja', 'pura', 'vihara', 'klenteng',
  'sekolah', 'sd', 'sdn', 'smp', 'smpn', 'sma', 'sman', 'smk', 'smkn', 'mts', 'madrasah', 'pesantren', 'ponpes', 'kampus', 'universitas',
  'kantor', 'balai', 'puskesmas', 'pustu', 'posyandu', 'klinik', 'rs', 'rsud', 'rumah sakit', 'apotek', 'terminal', 'stasiun', 'halte',
  'bandara', 'pelabuhan', 'taman', 'alun alun', 'lapangan', 'stadion', 'gor', 'jembatan', 'tps', 'tpa', 'tpu', 'makam', 'pemakaman',
  'pos', 'polsek', 'polres', 'koramil', 'bank', 'atm', 'spbu', 'pom bensin', 'toko', 'warung', 'indomaret', 'alfamart', 'minimarket',
  'supermarket', 'mall', 'mal', 'plaza', 'hotel', 'gedung', 'pabrik', 'gudang', 'sungai', 'kali', 'kanal', 'bendungan', 'waduk', 'danau',
  'tugu', 'monumen', 'bundaran', 'perempatan', 'pertigaan', 'lampu merah', 'gapura', 'bengkel', 'restoran', 'rumah makan', 'hospital',
  'school', 'market', 'mosque', 'church', 'bridge', 'park',
];

/** Words that name nothing: where the speaker is, which way, how big. A place word followed only by these is unnamed. */
const NAMELESS = [
  'sini', 'situ', 'sana', 'saya', 'kami', 'kita', 'aku', 'gue', 'gw', 'dia', 'mereka', 'rumah', 'tempat', 'lokasi', 'daerah', 'kawasan',
  'dekat', 'deket', 'depan', 'belakang', 'samping', 'sebelah', 'seberang', 'sekitar', 'ujung', 'pinggir', 'tengah', 'atas', 'bawah',
  'di', 'ke', 'dari', 'yang', 'itu', 'ini', 'nya', 'dan', 'atau', 'arah', 'menuju', 'sama', 'pas', 'persis', 'pokoknya', 'biasa',
  'here', 'there', 'my', 'our', 'house', 'home', 'near', 'the', 'a', 'in', 'at', 'by',
];

/** Words between a place word and its name ("Jl. Raya Bogor"); on their own ("jalan raya") they name nothing. */
const QUALIFIERS = ['raya', 'utama', 'besar', 'gede', 'kecil', 'lama', 'umum', 'main', 'big', 'old'];

const key = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
const PLACES = new Set(PLACE_WORDS);
const SUFFIXES = new Set(PLACE_SUFFIXES);
const NAMELESS_WORDS = new Set([...NAMELESS, ...QUALIFIERS]);
const QUALIFIER_WORDS = new Set(QUALIFIERS);
/** Landmarks of two words ("rumah sakit") first, so "rumah" of "rumah sakit" is not read as nameless. */
const LANDMARK_PHRASES = [...LANDMARKS].sort((a, b) => b.split(' ').length - a.split(' ').length);

/**
 * True when the text names no street, number or landmark: "dekat pasar", "di
 * sini", "rumah saya", "depan sekolah". "Jl. Melati No. 3", "depan Masjid
 * Al-Ikhlas" and "RT 02 RW 05 Kel. Sukamaju" are specific.
 */
export function isVagueLocation(text: string): boolean {
  const words = key(text).split(' ').filter(Boolean);
  if (words.length === 0) return true;
  if (words.some((w) => /\d/.test(w))) return false; // a house number, RT/RW, "SDN 3", "km 5"
  for (let i = 0; i < words.length; i++) {
    const landmark = LANDMARK_PHRASES.find((phrase) => words.slice(i, i + phrase.split(' ').length).join(' ') === phrase);
    const length = landmark ? landmark.split(' ').length : PLACES.has(words[i] ?? '') ? 1 : 0;
    if (length > 0 && isName(words.slice(i + length).find((w) => !QUALIFIER_WORDS.has(w)))) return false;
    if (SUFFIXES.has(words[i] ?? '') && isName(words[i - 1])) return false;
  }
  return true;
}

/** A word that can name a place: not nameless, not another place word ("Melati", "Al" of "Al-Ikhlas"). */
function isName(word: string | undefined): boolean {
  return word !== undefined && !NAMELESS_WORDS.has(word) && !PLACES.has(word) && !SUFFIXES.has(word) && !LANDMARK_PHRASES.includes(word);
}
