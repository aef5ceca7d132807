// PNG: a walk over the chunks. Kept: the critical chunks (IHDR, PLTE, IDAT,
// IEND) and the ancillary chunks that change how the picture looks
// (transparency, gamma, colour profile, physical size, animation). Left out:
// eXIf, the text chunks (tEXt, zTXt, iTXt: where XMP, "Software" and camera
// notes live), tIME, and every private or unknown ancillary chunk. The
// Orientation comes back in a minimal eXIf chunk. Nothing after IEND is kept.
import { Rewrite, type Removed, type Stripped } from './rewrite.js';
import { orientationTiff, readOrientation, tiffOf } from './tiff.js';

const SIGNATURE_LENGTH = 8;
const KEPT_ANCILLARY = new Set(['tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'pHYs', 'bKGD', 'hIST', 'sPLT', 'cICP', 'mDCv', 'cLLi', 'acTL', 'fcTL', 'fdAT']);
const DROPPED: Record<string, Removed> = { eXIf: 'exif', tEXt: 'text', zTXt: 'text', iTXt: 'text', tIME: 'time' };

export function stripPng(input: Buffer): Stripped {
  const out = new Rewrite(input);
  out.keep(input.subarray(0, SIGNATURE_LENGTH));
  let orientationDone = false;
  let pos = SIGNATURE_LENGTH;
  while (pos < input.length) {
    if (pos + 8 > input.length) {
      out.drop('damaged');
      break;
    }
    const length = input.readUInt32BE(pos);
    const type = input.toString('latin1', pos + 4, pos + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) {
      // No decoder reads past a chunk it cannot name; neither do we.
      out.drop('damaged');
      break;
    }
    const end = pos + 12 + length;
    const chunk = input.subarray(pos, Math.min(end, input.length));
    const critical = type.charCodeAt(0) < 0x61;
    if (critical || KEPT_ANCILLARY.has(type)) out.keep(chunk);
    else {
      out.drop(DROPPED[type] ?? 'other');
      if (type === 'eXIf' && !orientationDone) {
        orientationDone = true;
        const orientation = readOrientation(tiffOf(input.subarray(pos + 8, Math.min(end - 4, input.length))));
        if (orientation) out.keep(pngChunk('eXIf', orientationTiff(orientation)));
      }
    }
    pos = end;
    if (type === 'IEND') {
      if (pos < input.length) out.drop('trailer');
      break;
    }
  }
  return out.result();
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

let table: Uint32Array | undefined;

/** CRC-32 as PNG (and zlib) defines it; zlib.crc32 needs a newer Node than the one supported. */
export function crc32(bytes: Uint8Array): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (table[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
