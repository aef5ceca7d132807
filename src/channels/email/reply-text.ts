// The new words of an email: the quoted message it replies to and the
// signature are cut off, so "Ya, sudah beres" is read as the answer and not
// the whole history below it. Pure; works on plain text (HTML-only mail is
// turned into text first).

/** Where the quoted original or the signature starts; everything from there on is dropped. */
const CUT: readonly RegExp[] = [
  /^\s*--\s*$/, // the standard signature separator
  /^\s*(on|pada)\b.{0,200}\b(wrote|menulis)\s*:\s*$/i, // Gmail, Apple Mail, Thunderbird
  /^\s*-{2,}\s*(original message|pesan asli|forwarded message|pesan yang diteruskan)\s*-{2,}\s*$/i,
  /^\s*(sent from my|dikirim dari|get outlook for)\b/i, // mobile signatures
];

export function newText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (CUT.some((pattern) => pattern.test(line))) break;
    // "On Mon, 24 Nov 2026 … <x@y>" wrapped before "wrote:".
    if (/^\s*(on|pada)\b/i.test(line) && /^.{0,80}\b(wrote|menulis)\s*:\s*$/i.test(lines[i + 1] ?? '')) break;
    if (isOutlookQuoteHeader(lines, i)) break;
    if (line.startsWith('>')) continue;
    kept.push(line);
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * Outlook quotes the original under "From: … / Sent: … / To: … / Subject: …"
 * (or a line of underscores above it). A lone "Dari: …" in a report is not it.
 */
function isOutlookQuoteHeader(lines: readonly string[], at: number): boolean {
  const line = lines[at] ?? '';
  const start = /^\s*_{10,}\s*$/.test(line) ? at + 1 : at;
  if (!/^\s*(from|dari)\s*:/i.test(lines[start] ?? '')) return false;
  const following = lines.slice(start + 1, start + 5).join('\n');
  return /^\s*(sent|dikirim|date|tanggal|to|kepada|subject|perihal|subjek)\s*:/im.test(following);
}
