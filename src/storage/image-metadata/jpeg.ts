// JPEG: a walk over the marker segments. Kept: the segments a decoder needs
// (tables, frame, scans and their entropy-coded data, untouched), JFIF APP0
// (without its thumbnail), the ICC colour profile (APP2) and Adobe APP14
// (it says how to convert the colours). Everything else in an APPn or COM
// segment is metadata and goes: EXIF (GPS, make, model, dates, thumbnail),
// XMP, IPTC/Photoshop, MPF, maker segments, comments. The Orientation comes
// back in a minimal EXIF block. Bytes after the end of the picture (motion
// photos' video, HDR gain maps, vendor trailers) go too.
//
// Damaged files: bytes between segments that are no marker are skipped, as
// decoders skip them; a segment cut off by the end of the file is kept when
// it is picture data (a partly received photo still shows its top part) and
// dropped when it is metadata.
import { Rewrite, type Removed, type Stripped } from './rewrite.js';
import { EXIF_HEADER, orientationTiff, readOrientation } from './tiff.js';

const SOS = 0xda;
const EOI = 0xd9;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP13 = 0xed;
const APP14 = 0xee;
const COM = 0xfe;

/** Segments a decoder reads: SOF0..15 (but JPG, DHT, DAC), DHT, DAC, DNL, DQT, DRI, DHP, EXP, SOS. */
const PICTURE_SEGMENTS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf]);
/** Markers that stand alone, without a length: RST0..7, TEM. */
const isStandalone = (marker: number) => (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01;

const startsWith = (payload: Buffer, signature: string) => payload.subarray(0, signature.length).toString('latin1') === signature;

export function stripJpeg(input: Buffer): Stripped {
  const out = new Rewrite(input);
  out.keep(input.subarray(0, 2)); // SOI
  let orientationDone = false;
  let pos = 2;
  while (pos < input.length) {
    if (input[pos] !== 0xff) {
      const next = input.indexOf(0xff, pos);
      out.drop('damaged');
      if (next < 0) break;
      pos = next;
      continue;
    }
    let at = pos + 1; // the marker byte, after any 0xFF fill bytes
    while (at < input.length && input[at] === 0xff) at++;
    if (at > pos + 1) out.drop('damaged');
    const marker = input[at];
    if (marker === undefined) break;
    if (marker === 0x00 || marker === 0xd8) {
      out.drop('damaged');
      pos = at + 1;
      continue;
    }
    if (marker === EOI) {
      out.keep(input.subarray(at - 1, at + 1));
      if (at + 1 < input.length) out.drop('trailer');
      break;
    }
    if (isStandalone(marker)) {
      out.keep(input.subarray(at - 1, at + 1));
      pos = at + 1;
      continue;
    }
    if (at + 3 > input.length) {
      out.drop('damaged');
      break;
    }
    const length = input.readUInt16BE(at + 1);
    if (length < 2) {
      out.drop('damaged');
      pos = at + 1;
      continue;
    }
    const end = at + 1 + length;
    const segment = input.subarray(at - 1, Math.min(end, input.length));
    const payload = input.subarray(at + 3, Math.min(end, input.length));
    const kept = keptSegment(marker, segment, payload);
    if (kept) out.keep(kept);
    else {
      out.drop(kindOf(marker, payload));
      if (marker === APP1 && startsWith(payload, 'Exif') && !orientationDone) {
        orientationDone = true;
        const orientation = readOrientation(payload.subarray(6));
        if (orientation) out.keep(exifSegment(orientation));
      }
    }
    if (kept && kept !== segment) out.drop('thumbnail');
    pos = end;
    if (marker === SOS && end < input.length) {
      pos = endOfScan(input, end);
      out.keep(input.subarray(end, pos));
    }
  }
  return out.result();
}

/** The segment as it is kept (possibly rewritten), or undefined when it is metadata. */
function keptSegment(marker: number, segment: Buffer, payload: Buffer): Buffer | undefined {
  if (PICTURE_SEGMENTS.has(marker)) return segment;
  if (marker === APP0 && startsWith(payload, 'JFIF\0')) return jfifWithoutThumbnail(segment, payload);
  if (marker === APP2 && startsWith(payload, 'ICC_PROFILE\0')) return segment;
  if (marker === APP14 && startsWith(payload, 'Adobe')) return segment;
  return undefined;
}

/** JFIF may carry an uncompressed thumbnail after its 14 bytes: a small copy of the photo as it was shot. */
function jfifWithoutThumbnail(segment: Buffer, payload: Buffer): Buffer {
  if (payload.length <= 14) return segment;
  const rewritten = Buffer.from(segment.subarray(0, 2 + 2 + 14));
  rewritten.writeUInt16BE(16, 2);
  rewritten[2 + 2 + 12] = 0; // thumbnail width
  rewritten[2 + 2 + 13] = 0; // thumbnail height
  return rewritten;
}

function kindOf(marker: number, payload: Buffer): Removed {
  if (marker === COM) return 'comment';
  if (marker === APP1) return startsWith(payload, 'Exif') ? 'exif' : startsWith(payload, 'http://ns.adobe.com/') ? 'xmp' : 'other';
  if (marker === APP13) return 'iptc';
  if (marker === APP0 && startsWith(payload, 'JFXX')) return 'thumbnail';
  return 'other';
}

function exifSegment(orientation: number): Buffer {
  const payload = Buffer.concat([EXIF_HEADER, orientationTiff(orientation)]);
  const header = Buffer.from([0xff, APP1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/**
 * Where the entropy-coded data after a scan header ends: at the next marker. Inside
 * it, 0xFF is followed by 0x00 (a stuffed byte) or a restart marker, which belong to it.
 */
function endOfScan(input: Buffer, from: number): number {
  let at = from;
  for (;;) {
    at = input.indexOf(0xff, at);
    if (at < 0 || at + 1 >= input.length) return input.length;
    const next = input[at + 1] ?? 0;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) at += 2;
    else if (next === 0xff) at += 1;
    else return at;
  }
}
