// The one fact of a photo's EXIF that is kept: which way is up. Phones save
// the sensor's pixels as they came and note the turn in the Orientation tag
// (IFD0, tag 0x0112); without it a portrait photo shows on its side. So the
// stripped photo carries a new, minimal EXIF block: a TIFF header and IFD0
// with that one entry. No GPS, no camera make or model, no dates, no thumbnail.

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;
const LONG = 4;

/** The Orientation (2..8) of a TIFF/EXIF block, or undefined when it is absent, upright (1) or unreadable. */
export function readOrientation(tiff: Uint8Array): number | undefined {
  const b = Buffer.from(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  if (b.length < 8) return undefined;
  const order = b.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const little = order === 'II';
  const u16 = (at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > b.length) return undefined;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > b.length) return undefined;
    if (u16(entry) !== ORIENTATION_TAG) continue;
    const type = u16(entry + 2);
    const value = type === SHORT ? u16(entry + 8) : type === LONG ? u32(entry + 8) : 0;
    return value >= 2 && value <= 8 ? value : undefined;
  }
  return undefined;
}

/** A big-endian TIFF block with IFD0 holding only the Orientation: 26 bytes. */
export function orientationTiff(orientation: number): Buffer {
  const b = Buffer.alloc(26);
  b.write('MM', 0, 'latin1');
  b.writeUInt16BE(42, 2);
  b.writeUInt32BE(8, 4); // IFD0 right after the header
  b.writeUInt16BE(1, 8); // one entry
  b.writeUInt16BE(ORIENTATION_TAG, 10);
  b.writeUInt16BE(SHORT, 12);
  b.writeUInt32BE(1, 14); // count
  b.writeUInt16BE(orientation, 18); // value, left-justified in the 4-byte field
  // bytes 22..25: no next IFD (0)
  return b;
}

/** How JPEG's APP1 (and some WebP and PNG writers) start an EXIF block: "Exif\0\0" before the TIFF header. */
export const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');

/** The TIFF block inside an EXIF payload, with or without the "Exif\0\0" header. */
export function tiffOf(payload: Uint8Array): Uint8Array {
  return Buffer.from(payload.buffer, payload.byteOffset, Math.min(6, payload.byteLength)).equals(EXIF_HEADER) ? payload.subarray(6) : payload;
}
