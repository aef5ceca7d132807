// GIF: a walk over the blocks. Kept: the screen descriptor and colour
// tables, the images, graphic control and plain-text extensions, and the
// animation loop (NETSCAPE2.0 / ANIMEXTS1.0). Left out: comment extensions
// and every other application extension (XMP lives in one). Nothing after
// the trailer is kept.
import { Rewrite, type Stripped } from './rewrite.js';

const IMAGE = 0x2c;
const EXTENSION = 0x21;
const TRAILER = 0x3b;
const COMMENT = 0xfe;
const APPLICATION = 0xff;
const LOOPING = new Set(['NETSCAPE2.0', 'ANIMEXTS1.0']);

const colourTableLength = (packed: number) => (packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0);

export function stripGif(input: Buffer): Stripped {
  const out = new Rewrite(input);
  let pos = 13 + colourTableLength(input[10] ?? 0); // header (6) and logical screen descriptor (7)
  out.keep(input.subarray(0, pos));
  while (pos < input.length) {
    const introducer = input[pos];
    if (introducer === TRAILER) {
      out.keep(input.subarray(pos, pos + 1));
      if (pos + 1 < input.length) out.drop('trailer');
      break;
    }
    if (introducer === IMAGE) {
      const data = pos + 10 + colourTableLength(input[pos + 9] ?? 0) + 1; // descriptor, local table, LZW code size
      const end = afterSubBlocks(input, data);
      out.keep(input.subarray(pos, end));
      pos = end;
      continue;
    }
    if (introducer !== EXTENSION) {
      out.drop('damaged');
      break;
    }
    const label = input[pos + 1];
    const end = afterSubBlocks(input, pos + 2);
    if (label === COMMENT) out.drop('comment');
    else if (label === APPLICATION && !LOOPING.has(input.toString('latin1', pos + 3, pos + 14))) {
      out.drop(input.toString('latin1', pos + 3, pos + 11) === 'XMP Data' ? 'xmp' : 'other');
    } else out.keep(input.subarray(pos, end));
    pos = end;
  }
  return out.result();
}

/** Past a chain of data sub-blocks (a length byte, that many bytes; a zero length ends it), or the end of the file. */
function afterSubBlocks(input: Buffer, from: number): number {
  let at = from;
  while (at < input.length) {
    const length = input[at] ?? 0;
    at += 1 + length;
    if (length === 0) return at;
  }
  return input.length;
}
