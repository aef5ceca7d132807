// Small images with the structure of real ones (the magic numbers the
// sniffer checks, and segments/chunks the metadata stripper can walk), padded
// to the size a test needs. They carry no metadata, so the store keeps their
// bytes as they are. Browsers show them as broken images: for a picture a
// browser can show, see drawnPhoto in chromium.ts.
import { pngChunk } from '../../src/storage/image-metadata/png.js';

/** SOI, JFIF APP0, a scan header, filler "entropy-coded data" (no 0xFF, so no markers inside), EOI. */
export function fakeJpeg(size: number, seed = 1): Buffer {
  const head = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00];
  return Buffer.concat([Buffer.from(head), filler(Math.max(size - head.length - 2, 0), seed), Buffer.from([0xff, 0xd9])]);
}

/** The PNG signature, IHDR, one IDAT of filler, IEND, with correct CRCs. */
export function fakePng(size: number, seed = 2): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const header = pngChunk('IHDR', Buffer.from([0, 0, 0, 16, 0, 0, 0, 16, 8, 2, 0, 0, 0]));
  const end = pngChunk('IEND', Buffer.alloc(0));
  const data = pngChunk('IDAT', filler(Math.max(size - signature.length - header.length - end.length - 12, 0), seed));
  return Buffer.concat([signature, header, data, end]);
}

function filler(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.min((i * 31 + seed) & 0xff, 0xfe);
  return bytes;
}
