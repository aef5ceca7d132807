// Photo hygiene (issue #17): a photo is stored without the metadata the
// camera wrote into it: GPS position, phone make and model, serial numbers,
// dates, the software, embedded thumbnails, comments. A citizen's location
// belongs in the ticket, where they chose to give it; a photo that is later
// shown to an agency, sent back over a channel or published must not carry
// where their home is. What changes how the picture looks is kept: the
// orientation, the colour profile, transparency, animation.
//
// One pure function per format, in TypeScript (no native image library):
// each walks the container and copies the picture's bytes untouched, so the
// quality is exactly what was sent. Damaged files are never a crash: what a
// decoder would read is kept, metadata dropped.
import type { ImageType } from '../sniff.js';
import { stripGif } from './gif.js';
import { stripHeic } from './heic.js';
import { stripJpeg } from './jpeg.js';
import { stripPng } from './png.js';
import type { Stripped } from './rewrite.js';
import { stripWebp } from './webp.js';

export type { Removed, Stripped } from './rewrite.js';

/**
 * The photo's bytes without metadata. `unreadable` when the metadata could not
 * be found to be removed (a HEIC whose item table cannot be read): the store refuses those.
 */
export function stripImageMetadata(bytes: Uint8Array, type: ImageType): Stripped & { readonly unreadable?: true } {
  const input = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case 'image/jpeg':
      return stripJpeg(input);
    case 'image/png':
      return stripPng(input);
    case 'image/webp':
      return stripWebp(input);
    case 'image/gif':
      return stripGif(input);
    case 'image/heic':
      return stripHeic(input);
  }
}
