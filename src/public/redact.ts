// The copy of a photo that the public sees: decoded, turned upright (as the
// operator saw it in the browser), with the regions the operator drew filled
// black, and encoded afresh, so nothing of the original file travels along
// (no EXIF: no GPS position, no camera, no time, no thumbnail that would still
// show the blacked-out face). Pure JavaScript (jpeg-js, pngjs): no native build.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** A rectangle in fractions of the picture as shown (0..1 from the top left). */
export interface Region {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export class UnsupportedPhotoError extends Error {
  constructor(readonly contentType: string) {
    super(`photos of type ${contentType} cannot be published (JPEG and PNG only)`);
    this.name = 'UnsupportedPhotoError';
  }
}

interface Bitmap {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  data: Uint8Array;
}

const JPEG_QUALITY = 85;

/** The published copy of a JPEG or PNG photo with `regions` blacked out; throws UnsupportedPhotoError for other types. */
export function publishableCopy(bytes: Uint8Array, contentType: string, regions: readonly Region[]): { bytes: Buffer; contentType: string } {
  if (contentType === 'image/jpeg') {
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 50, maxMemoryUsageInMB: 400 });
    const upright = orient(decoded, jpegOrientation(bytes));
    blackOut(upright, regions);
    return { bytes: jpeg.encode({ width: upright.width, height: upright.height, data: upright.data }, JPEG_QUALITY).data, contentType: 'image/jpeg' };
  }
  if (contentType === 'image/png') {
    const png = PNG.sync.read(Buffer.from(bytes));
    const bitmap: Bitmap = { width: png.width, height: png.height, data: png.data };
    blackOut(bitmap, regions);
    const out = new PNG({ width: bitmap.width, height: bitmap.height });
    Buffer.from(bitmap.data.buffer, bitmap.data.byteOffset, bitmap.data.byteLength).copy(out.data);
    return { bytes: PNG.sync.write(out), contentType: 'image/png' };
  }
  throw new UnsupportedPhotoError(contentType);
}

/** Fills each region with opaque black; a region is widened to whole pixels outward, so its edge never shows. */
export function blackOut(bitmap: Bitmap, regions: readonly Region[]): void {
  for (const region of regions) {
    const x0 = clamp(Math.floor(region.x * bitmap.width), bitmap.width);
    const y0 = clamp(Math.floor(region.y * bitmap.height), bitmap.height);
    const x1 = clamp(Math.ceil((region.x + region.w) * bitmap.width), bitmap.width);
    const y1 = clamp(Math.ceil((region.y + region.h) * bitmap.height), bitmap.height);
    for (let y = y0; y < y1; y++) {
      const row = y * bitmap.width * 4;
      for (let x = x0; x < x1; x++) {
        const i = row + x * 4;
        bitmap.data[i] = 0;
        bitmap.data[i + 1] = 0;
        bitmap.data[i + 2] = 0;
        bitmap.data[i + 3] = 255;
      }
    }
  }
}

const clamp = (value: number, max: number) => Math.min(Math.max(value, 0), max);

/**
 * The EXIF orientation of a JPEG (1 when there is none): phones store the picture as the sensor saw it and
 * say how to turn it; browsers show it turned, so the operator's regions are in the turned picture.
 */
export function jpegOrientation(bytes: Uint8Array): number {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  while (offset + 4 <= view.length && view[offset] === 0xff) {
    const marker = view[offset + 1] ?? 0;
    const length = view.readUInt16BE(offset + 2);
    if (marker === 0xda) break; // image data: no more metadata
    if (marker === 0xe1 && view.toString('latin1', offset + 4, offset + 10) === 'Exif\0\0') return tiffOrientation(view.subarray(offset + 10, offset + 2 + length));
    offset += 2 + length;
  }
  return 1;
}

function tiffOrientation(tiff: Buffer): number {
  if (tiff.length < 8) return 1;
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (at + 2 <= tiff.length ? (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at)) : 0);
  const u32 = (at: number) => (at + 4 <= tiff.length ? (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at)) : 0);
  const ifd = u32(4);
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/** The bitmap turned the way EXIF orientation `o` (1–8) says a viewer shows it. */
export function orient(source: Bitmap, o: number): Bitmap {
  if (o <= 1 || o > 8) return source;
  const { width: w, height: h } = source;
  const swap = o >= 5;
  const out: Bitmap = { width: swap ? h : w, height: swap ? w : h, data: new Uint8Array(w * h * 4) };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Where the source pixel (x, y) lands in the upright picture, per the EXIF definitions.
      const [dx, dy] = ORIENTATIONS[o]?.(x, y, w, h) ?? [x, y];
      const from = (y * w + x) * 4;
      const to = (dy * out.width + dx) * 4;
      out.data[to] = source.data[from] ?? 0;
      out.data[to + 1] = source.data[from + 1] ?? 0;
      out.data[to + 2] = source.data[from + 2] ?? 0;
      out.data[to + 3] = source.data[from + 3] ?? 255;
    }
  }
  return out;
}

const ORIENTATIONS: Readonly<Record<number, (x: number, y: number, w: number, h: number) => [number, number]>> = {
  2: (x, y, w) => [w - 1 - x, y],
  3: (x, y, w, h) => [w - 1 - x, h - 1 - y],
  4: (x, y, _w, h) => [x, h - 1 - y],
  5: (x, y) => [y, x],
  6: (x, y, _w, h) => [h - 1 - y, x],
  7: (x, y, w, h) => [h - 1 - y, w - 1 - x],
  8: (x, y, w) => [y, w - 1 - x],
};
