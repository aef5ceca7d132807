// WebP (RIFF): a walk over the chunks. Kept: the picture (VP8, VP8L, ALPH,
// animation frames), VP8X and the ICC profile. Left out: EXIF, XMP and every
// unknown chunk; VP8X's flags are set to match, the RIFF size recomputed. The
// Orientation comes back in a minimal EXIF chunk (only in the extended
// format, which is the only one that may carry EXIF), as a bare TIFF block
// the way libwebp and exiftool write it.
import { Rewrite, type Stripped } from './rewrite.js';
import { orientationTiff, readOrientation, tiffOf } from './tiff.js';

const HEADER_LENGTH = 12;
const KEPT = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF', 'ICCP']);
const EXIF_FLAG = 0x08;
const XMP_FLAG = 0x04;

export function stripWebp(input: Buffer): Stripped {
  if (input.length < HEADER_LENGTH) return { bytes: input, removed: [] };
  const out = new Rewrite(input);
  let extended: Buffer | undefined;
  let orientationWritten = false;
  let exifSeen = false;
  let pos = HEADER_LENGTH;
  const riffEnd = Math.min(input.length, 8 + input.readUInt32LE(4));
  if (riffEnd < input.length) out.drop('trailer');
  while (pos < riffEnd) {
    if (pos + 8 > riffEnd) {
      out.drop('damaged');
      break;
    }
    const fourcc = input.toString('latin1', pos, pos + 4);
    const size = input.readUInt32LE(pos + 4);
    const end = pos + 8 + size + (size & 1);
    const chunk = input.subarray(pos, Math.min(end, riffEnd));
    if (fourcc === 'VP8X' && chunk.length >= 9) {
      extended = Buffer.from(chunk); // a copy: its flags change below
      out.keep(extended);
    } else if (KEPT.has(fourcc)) out.keep(chunk);
    else if (fourcc === 'EXIF') {
      out.drop('exif');
      const orientation = exifSeen ? undefined : readOrientation(tiffOf(input.subarray(pos + 8, Math.min(pos + 8 + size, riffEnd))));
      exifSeen = true;
      if (orientation && extended) {
        out.keep(riffChunk('EXIF', orientationTiff(orientation)));
        orientationWritten = true;
      }
    } else out.drop(fourcc === 'XMP ' ? 'xmp' : 'other');
    pos = end;
  }
  if (extended) extended[8] = ((extended[8] ?? 0) & ~(EXIF_FLAG | XMP_FLAG)) | (orientationWritten ? EXIF_FLAG : 0);
  return out.result((parts) => {
    const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), ...parts]);
    const header = Buffer.from('RIFF\0\0\0\0', 'latin1');
    header.writeUInt32LE(body.length, 4);
    return Buffer.concat([header, body]);
  });
}

export function riffChunk(fourcc: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(8 + data.length + (data.length & 1));
  chunk.write(fourcc, 0, 'latin1');
  chunk.writeUInt32LE(data.length, 4);
  data.copy(chunk, 8);
  return chunk;
}
