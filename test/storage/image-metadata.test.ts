// The metadata stripper on photos with the structure and metadata phones
// write, drawn and decoded by a real browser (Chromium).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { stripImageMetadata } from '../../src/storage/image-metadata/index.js';
import type { ImageType } from '../../src/storage/sniff.js';
import { readOrientation } from '../../src/storage/image-metadata/tiff.js';
import { displayedSize, drawnPhoto, launchChromium } from '../support/chromium.js';
import { gifWithMetadata, heicWithMetadata, jpegWithMetadata, phoneTiff, pngWithMetadata, SECRETS, webpWithMetadata } from '../support/exif.js';
import { fakeJpeg, fakePng } from '../support/images.js';

let browser: Browser;
let jpeg: Buffer;
let png: Buffer;
let webp: Buffer;

beforeAll(async () => {
  browser = await launchChromium();
  // Landscape pixels, as a phone's sensor stores a portrait photo; orientation 6 turns it upright.
  [jpeg, png, webp] = await Promise.all([drawnPhoto(browser, 64, 32), drawnPhoto(browser, 64, 32, 'image/png'), drawnPhoto(browser, 64, 32, 'image/webp')]);
});
afterAll(async () => { await browser.close(); });

/** The metadata a test looks for, as the bytes would hold them (the GPS latitude as rationals, too). */
function leaks(bytes: Buffer): string[] {
  const found: string[] = Object.entries(SECRETS).filter(([, text]) => bytes.includes(Buffer.from(text, 'latin1'))).map(([name]) => name);
  const latitude = Buffer.from([0, 0, 0, 6, 0, 0, 0, 1, 0, 0, 0, 54, 0, 0, 0, 1]);
  if (bytes.includes(latitude) || bytes.includes(Buffer.from([6, 0, 0, 0, 1, 0, 0, 0, 54, 0, 0, 0, 1, 0, 0, 0]))) found.push('gps');
  return found;
}

/** The bytes of each JPEG segment of one kind (APP1 = 0xe1), as the stripped file has them. */
function jpegSegments(bytes: Buffer, marker: number): Buffer[] {
  const found: Buffer[] = [];
  for (let at = 2; at + 4 <= bytes.length && bytes[at] === 0xff && bytes[at + 1] !== 0xda;) {
    const end = at + 2 + bytes.readUInt16BE(at + 2);
    if (bytes[at + 1] === marker) found.push(bytes.subarray(at + 4, end));
    at = end;
  }
  return found;
}

/** The TIFF blocks of EXIF APP1 segments wherever they are (after a scan too). */
function jpegSegmentsAnywhere(bytes: Buffer): Buffer[] {
  const found: Buffer[] = [];
  for (let at = bytes.indexOf('\xff\xe1', 0, 'latin1'); at >= 0; at = bytes.indexOf('\xff\xe1', at + 2, 'latin1')) {
    found.push(bytes.subarray(at + 10, at + 2 + bytes.readUInt16BE(at + 2)));
  }
  return found;
}

const fromFirstTable = (bytes: Buffer) => bytes.subarray(bytes.indexOf(Buffer.from([0xff, 0xdb])));

describe('JPEG', () => {
  it('drops EXIF (GPS, make, model), XMP, IPTC, comments and a motion photo\'s video; keeps the picture upright and its data untouched', async () => {
    const sent = jpegWithMetadata(jpeg, { orientation: 6 });
    expect(leaks(sent)).toEqual(['make', 'model', 'software', 'taken', 'xmpGps', 'iptcCity', 'comment', 'gps']);

    const { bytes, removed } = stripImageMetadata(sent, 'image/jpeg');
    expect(leaks(bytes)).toEqual([]);
    expect(removed).toEqual(['comment', 'exif', 'iptc', 'trailer', 'xmp']);
    // What is left of EXIF: one APP1 of 34 bytes whose IFD0 holds the orientation alone.
    const [exif, ...more] = jpegSegments(bytes, 0xe1);
    expect(more).toEqual([]);
    expect(exif?.length).toBe(32);
    expect(readOrientation(exif?.subarray(6) ?? Buffer.alloc(0))).toBe(6);
    // Tables, frame, scan and entropy-coded data: byte for byte the picture Chromium drew.
    expect(fromFirstTable(bytes).equals(fromFirstTable(jpeg))).toBe(true);
    expect(bytes.subarray(0, 20).equals(jpeg.subarray(0, 20))).toBe(true); // SOI and JFIF APP0
    expect(await displayedSize(browser, bytes, 'image/jpeg')).toEqual({ width: 32, height: 64 });
  });

  it('reads the orientation of little-endian EXIF too (Samsung), and writes none for an upright photo', async () => {
    const turned = stripImageMetadata(jpegWithMetadata(jpeg, { orientation: 8, littleEndian: true }), 'image/jpeg').bytes;
    expect(readOrientation(jpegSegments(turned, 0xe1)[0]?.subarray(6) ?? Buffer.alloc(0))).toBe(8);
    expect(await displayedSize(browser, turned, 'image/jpeg')).toEqual({ width: 32, height: 64 });

    for (const orientation of [undefined, 1]) {
      const upright = stripImageMetadata(jpegWithMetadata(jpeg, orientation ? { orientation } : {}), 'image/jpeg').bytes;
      expect(jpegSegments(upright, 0xe1)).toEqual([]);
      expect(upright.equals(jpeg)).toBe(true);
    }
  });

  it('gives back the very same bytes when there is nothing to remove', () => {
    for (const clean of [jpeg, fakeJpeg(5_000, 3)]) {
      const result = stripImageMetadata(clean, 'image/jpeg');
      expect(result.removed).toEqual([]);
      expect(result.bytes.equals(clean)).toBe(true);
    }
  });

  it('finds metadata between and after scans too, and keeps stuffed bytes and restart markers of the picture data', () => {
    const exif = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), Buffer.from('Exif\0\0', 'latin1'), phoneTiff({ orientation: 3 })]);
    exif.writeUInt16BE(exif.length - 2, 2);
    // Entropy-coded data as encoders write it: 0xFF stuffed with 0x00, restart markers RST0..RST7.
    const scan = Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xd7, 0x78]);
    const sof = Buffer.from([0xff, 0xc2, 0x00, 0x0b, 0x08, 0x00, 0x10, 0x00, 0x10, 0x01, 0x01, 0x11, 0x00]);
    const sos = Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]);
    const dht = Buffer.from([0xff, 0xc4, 0x00, 0x05, 0x10, 0x00, 0x00]);
    const soi = Buffer.from([0xff, 0xd8]);
    const eoi = Buffer.from([0xff, 0xd9]);
    const progressive = Buffer.concat([soi, sof, sos, scan, dht, sos, scan, eoi]);
    const sent = Buffer.concat([soi, sof, sos, scan, exif, dht, sos, scan, exif, eoi]);
    const { bytes, removed } = stripImageMetadata(sent, 'image/jpeg');
    expect(removed).toEqual(['exif']);
    expect(leaks(bytes)).toEqual([]);
    // The orientation of the first EXIF block, where it was; everything else as the encoder wrote it.
    expect(readOrientation(jpegSegmentsAnywhere(bytes)[0] ?? Buffer.alloc(0))).toBe(3);
    const firstScanEnd = soi.length + sof.length + sos.length + scan.length;
    const minimalExifLength = 2 + 2 + 6 + 26; // marker, length, "Exif\0\0", TIFF with one entry
    expect(Buffer.concat([bytes.subarray(0, firstScanEnd), bytes.subarray(firstScanEnd + minimalExifLength)]).equals(progressive)).toBe(true);
  });

  it('keeps the ICC colour profile and Adobe APP14, drops a JFIF thumbnail', () => {
    const icc = Buffer.from('\xff\xe2\x00\x18ICC_PROFILE\x00\x01\x01fake-icc', 'latin1');
    const adobe = Buffer.from('\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x01', 'latin1');
    const app0 = jpeg.subarray(2, 4 + jpeg.readUInt16BE(4));
    const thumbnailApp0 = Buffer.concat([Buffer.from([0xff, 0xe0, 0, 2 + 14 + 12]), app0.subarray(4, 16), Buffer.from([2, 2]), Buffer.alloc(12, 0x7f)]);
    const sent = Buffer.concat([jpeg.subarray(0, 2), thumbnailApp0, icc, adobe, jpeg.subarray(2 + app0.length)]);
    const { bytes, removed } = stripImageMetadata(sent, 'image/jpeg');
    expect(removed).toEqual(['thumbnail']);
    expect(bytes.includes(icc)).toBe(true);
    expect(bytes.includes(adobe)).toBe(true);
    expect(bytes.subarray(2, 20).equals(Buffer.concat([Buffer.from([0xff, 0xe0, 0, 16]), app0.subarray(4, 16), Buffer.from([0, 0])]))).toBe(true);
  });

  it('keeps what a decoder can read of a damaged photo, and never its metadata', async () => {
    const sent = jpegWithMetadata(jpeg, { orientation: 6 });
    // Cut off in the middle of the picture data (a download that broke): the top of the photo still shows.
    const cut = sent.subarray(0, sent.length - 400);
    const partial = stripImageMetadata(cut, 'image/jpeg');
    expect(leaks(partial.bytes)).toEqual([]);
    expect(await displayedSize(browser, partial.bytes, 'image/jpeg')).toEqual({ width: 32, height: 64 });

    // Garbage between two segments: skipped, as decoders skip it.
    const firstTable = jpeg.indexOf(Buffer.from([0xff, 0xdb]));
    const garbled = Buffer.concat([jpeg.subarray(0, firstTable), Buffer.from(`junk ${SECRETS.model}`, 'latin1'), jpeg.subarray(firstTable)]);
    const skipped = stripImageMetadata(garbled, 'image/jpeg');
    expect(skipped.removed).toEqual(['damaged']);
    expect(skipped.bytes.equals(jpeg)).toBe(true);

    // Cut at every length, and with bytes overwritten: never an exception, never the camera or the position.
    for (let length = 0; length <= sent.length; length += 7) {
      expect(leaks(stripImageMetadata(sent.subarray(0, length), 'image/jpeg').bytes)).toEqual([]);
    }
    for (let at = 2; at < 700; at += 3) {
      const flipped = Buffer.from(sent);
      flipped[at] = (flipped[at] ?? 0) ^ 0xff;
      expect(() => stripImageMetadata(flipped, 'image/jpeg')).not.toThrow();
    }
  });
});

describe('PNG', () => {
  it('drops eXIf, XMP and text chunks and tIME; keeps the picture upright and its chunks untouched', async () => {
    const sent = pngWithMetadata(png, { orientation: 6 });
    expect(leaks(sent)).toEqual(['make', 'model', 'software', 'taken', 'xmpGps', 'comment', 'gps']);
    const { bytes, removed } = stripImageMetadata(sent, 'image/png');
    expect(leaks(bytes)).toEqual([]);
    expect(removed).toEqual(['exif', 'text', 'time']);
    const data = png.subarray(png.indexOf('IDAT', 8, 'latin1') - 4);
    expect(bytes.subarray(bytes.length - data.length).equals(data)).toBe(true);
    expect(await displayedSize(browser, bytes, 'image/png')).toEqual({ width: 32, height: 64 });
    expect(stripImageMetadata(pngWithMetadata(png), 'image/png').bytes.equals(png)).toBe(true);
  });

  it('gives back clean files as they are, drops what follows IEND and stops at a chunk it cannot name', () => {
    const clean = fakePng(3_000, 4);
    expect(stripImageMetadata(clean, 'image/png').bytes.equals(clean)).toBe(true);
    const trailing = stripImageMetadata(Buffer.concat([clean, Buffer.from(SECRETS.comment)]), 'image/png');
    expect(trailing).toEqual({ bytes: clean, removed: ['trailer'] });
    const broken = Buffer.concat([clean.subarray(0, 33), Buffer.from(`\0\0\0\x10\x01\x02\x03\x04${SECRETS.model}`, 'latin1'), clean.subarray(33)]);
    const stopped = stripImageMetadata(broken, 'image/png');
    expect(stopped.removed).toEqual(['damaged']);
    expect(leaks(stopped.bytes)).toEqual([]);
  });
});

describe('WebP', () => {
  it('drops EXIF and XMP chunks, fixes the flags and the RIFF size, keeps the orientation', async () => {
    const sent = webpWithMetadata(webp, { orientation: 6 });
    expect(leaks(sent)).toEqual(['make', 'model', 'software', 'taken', 'xmpGps', 'gps']);
    const { bytes, removed } = stripImageMetadata(sent, 'image/webp');
    expect(leaks(bytes)).toEqual([]);
    expect(removed).toEqual(['exif', 'xmp']);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    expect((bytes[20] ?? 0) & 0x0c).toBe(0x08); // VP8X: EXIF still flagged (the orientation), XMP not
    const exif = bytes.subarray(webp.length + 8);
    expect(exif.length).toBe(26);
    expect(readOrientation(exif)).toBe(6);
    expect(bytes.subarray(21, webp.length).equals(webp.subarray(21))).toBe(true); // the canvas size and the picture's chunks
    expect(await displayedSize(browser, bytes, 'image/webp')).toEqual({ width: 64, height: 32 }); // Chromium ignores WebP orientation

    const upright = stripImageMetadata(webpWithMetadata(webp), 'image/webp').bytes;
    expect(upright.equals(webp)).toBe(true);
  });
});

describe('GIF', () => {
  it('drops comments and XMP, keeps the animation loop and the image', async () => {
    const sent = gifWithMetadata();
    expect(leaks(sent)).toEqual(['make', 'model', 'xmpGps', 'comment']);
    const { bytes, removed } = stripImageMetadata(sent, 'image/gif');
    expect(leaks(bytes)).toEqual([]);
    expect(removed).toEqual(['comment', 'xmp']);
    expect(bytes.includes(Buffer.from('NETSCAPE2.0'))).toBe(true);
    expect(await displayedSize(browser, bytes, 'image/gif')).toEqual({ width: 2, height: 1 });
  });
});

describe('HEIC', () => {
  it('blanks the Exif and XMP items in place, leaving every offset and the picture as they were', () => {
    const { bytes: sent, picture, exifAt, exifLength } = heicWithMetadata();
    expect(leaks(sent)).toEqual(['make', 'model', 'software', 'taken', 'xmpGps', 'gps']);
    const { bytes, removed } = stripImageMetadata(sent, 'image/heic');
    expect(removed).toEqual(['exif', 'xmp']);
    expect(leaks(bytes)).toEqual([]);
    expect(bytes.length).toBe(sent.length);
    expect(bytes.subarray(exifAt, exifAt + exifLength).equals(Buffer.alloc(exifLength))).toBe(true);
    expect(bytes.subarray(0, exifAt).equals(sent.subarray(0, exifAt))).toBe(true);
    expect(bytes.includes(picture)).toBe(true);
  });

  it('says so when it cannot find where the metadata is', () => {
    const result = stripImageMetadata(heicWithMetadata({ brokenIloc: true }).bytes, 'image/heic');
    expect(result).toMatchObject({ unreadable: true });
  });
});

describe('every format, damaged', () => {
  it('never throws, and never keeps the metadata of a photo cut off anywhere', () => {
    const samples: [Buffer, ImageType][] = [
      [jpegWithMetadata(jpeg, { orientation: 6 }), 'image/jpeg'],
      [pngWithMetadata(png, { orientation: 6 }), 'image/png'],
      [webpWithMetadata(webp, { orientation: 6 }), 'image/webp'],
      [gifWithMetadata(), 'image/gif'],
      [heicWithMetadata().bytes, 'image/heic'],
    ];
    for (const [sent, type] of samples) {
      for (let length = 0; length <= sent.length; length += 5) {
        const result = stripImageMetadata(sent.subarray(0, length), type);
        // A HEIC cut short cannot be read, and is then refused by the store rather than kept.
        if (!('unreadable' in result)) expect({ type, length, leaks: leaks(result.bytes) }).toEqual({ type, length, leaks: [] });
      }
      let seed = 7;
      for (let round = 0; round < 300; round++) {
        const damaged = Buffer.from(sent);
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        damaged[seed % damaged.length] = seed & 0xff;
        expect(() => stripImageMetadata(damaged, type)).not.toThrow();
      }
    }
  });
});
