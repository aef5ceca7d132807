// Photos with the metadata a phone writes, built byte by byte in the
// formats' real structures: an EXIF block (IFD0 with make, model, software,
// orientation; a GPS IFD with a position in Bandung), XMP, IPTC, comments.
// The strings below are what a test looks for in stored bytes.
import { pngChunk } from '../../src/storage/image-metadata/png.js';
import { riffChunk } from '../../src/storage/image-metadata/webp.js';

export const SECRETS = {
  make: 'samsung',
  model: 'SM-A536E',
  software: 'A536EXXS7CWK1',
  taken: '2026:11:30 07:42:10',
  xmpGps: '6,54.88464S',
  iptcCity: 'Kelurahan Cihapit',
  comment: 'Dipotret oleh Budi Santoso',
} as const;

/** Where the photo was taken, as the GPS IFD stores it: 6° 54' 53.08" S, 107° 36' 35.32" E. */
const GPS_LATITUDE = [6, 1, 54, 1, 5308, 100];
const GPS_LONGITUDE = [107, 1, 36, 1, 3532, 100];

type Value = { readonly ascii: string } | { readonly short: readonly number[] } | { readonly long: readonly number[] } | { readonly rational: readonly number[] };
interface Entry {
  readonly tag: number;
  readonly value: Value;
}

/** A TIFF/EXIF block like a phone's, with the GPS position and the camera; the orientation when given. */
export function phoneTiff(options: { readonly orientation?: number; readonly littleEndian?: boolean } = {}): Buffer {
  const little = options.littleEndian ?? false;
  const gps: Entry[] = [
    { tag: 0x0000, value: { short: [0x0202, 0x0000] } }, // GPSVersionID as two shorts (2.2.0.0)
    { tag: 0x0001, value: { ascii: 'S' } },
    { tag: 0x0002, value: { rational: GPS_LATITUDE } },
    { tag: 0x0003, value: { ascii: 'E' } },
    { tag: 0x0004, value: { rational: GPS_LONGITUDE } },
  ];
  const ifd0 = (gpsAt: number): Entry[] => [
    { tag: 0x010f, value: { ascii: SECRETS.make } },
    { tag: 0x0110, value: { ascii: SECRETS.model } },
    ...(options.orientation ? [{ tag: 0x0112, value: { short: [options.orientation] } }] : []),
    { tag: 0x0131, value: { ascii: SECRETS.software } },
    { tag: 0x0132, value: { ascii: SECRETS.taken } },
    { tag: 0x8825, value: { long: [gpsAt] } },
  ];
  const header = Buffer.alloc(8);
  header.write(little ? 'II' : 'MM', 0, 'latin1');
  write16(header, 2, 42, little);
  write32(header, 4, 8, little);
  const first = ifd(ifd0(0), 8, little);
  return Buffer.concat([header, ifd(ifd0(8 + first.length), 8, little), ifd(gps, 8 + first.length, little)]);
}

function ifd(entries: readonly Entry[], start: number, little: boolean): Buffer {
  const head = Buffer.alloc(2 + entries.length * 12 + 4);
  write16(head, 0, entries.length, little);
  const data: Buffer[] = [];
  let dataAt = start + head.length;
  entries.forEach(({ tag, value }, i) => {
    const [type, count, raw] = encode(value, little);
    const at = 2 + i * 12;
    write16(head, at, tag, little);
    write16(head, at + 2, type, little);
    write32(head, at + 4, count, little);
    if (raw.length <= 4) raw.copy(head, at + 8);
    else {
      write32(head, at + 8, dataAt, little);
      const padded = Buffer.concat([raw, Buffer.alloc(raw.length & 1)]);
      data.push(padded);
      dataAt += padded.length;
    }
  });
  return Buffer.concat([head, ...data]);
}

function encode(value: Value, little: boolean): [type: number, count: number, raw: Buffer] {
  if ('ascii' in value) return [2, value.ascii.length + 1, Buffer.from(`${value.ascii}\0`, 'latin1')];
  if ('short' in value) return [3, value.short.length, numbers(value.short, 2, little)];
  if ('long' in value) return [4, value.long.length, numbers(value.long, 4, little)];
  return [5, value.rational.length / 2, numbers(value.rational, 4, little)];
}

function numbers(values: readonly number[], width: 2 | 4, little: boolean): Buffer {
  const b = Buffer.alloc(values.length * width);
  values.forEach((v, i) => { (width === 2 ? write16 : write32)(b, i * width, v, little); });
  return b;
}

const write16 = (b: Buffer, at: number, v: number, little: boolean) => (little ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
const write32 = (b: Buffer, at: number, v: number, little: boolean) => (little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));

/** The XMP packet a photo editor or phone gallery writes, with the GPS position and the camera. */
export const XMP_PACKET = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" exif:GPSLatitude="${SECRETS.xmpGps}" exif:GPSLongitude="107,36.58867E" tiff:Make="${SECRETS.make}" tiff:Model="${SECRETS.model}"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

const jpegSegment = (marker: number, payload: Buffer) => {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
};

/**
 * A JPEG (e.g. drawn by Chromium: SOI, JFIF APP0, tables…) with a phone's metadata put in after its
 * APP0, as phones write them: EXIF (APP1), XMP (APP1), IPTC (APP13), a comment; and a motion photo's
 * video after the end of the picture.
 */
export function jpegWithMetadata(jpeg: Buffer, options: { readonly orientation?: number; readonly littleEndian?: boolean } = {}): Buffer {
  const afterApp0 = jpeg[3] === 0xe0 ? 4 + jpeg.readUInt16BE(4) : 2;
  const iptc = Buffer.concat([Buffer.from('Photoshop 3.0\0' + '8BIM\x04\x04\0\0\0\0\0\x1c\x1c\x02\x5a\0\x11', 'latin1'), Buffer.from(SECRETS.iptcCity, 'latin1')]);
  return Buffer.concat([
    jpeg.subarray(0, afterApp0),
    jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), phoneTiff(options)])),
    jpegSegment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0${XMP_PACKET}`, 'latin1')),
    jpegSegment(0xed, iptc),
    jpegSegment(0xfe, Buffer.from(SECRETS.comment, 'latin1')),
    jpeg.subarray(afterApp0),
    Buffer.from(`....ftypmp42 motion photo video near ${SECRETS.iptcCity}`, 'latin1'),
  ]);
}

/** A PNG with eXIf, XMP (iTXt), text and time chunks before its first IDAT, as a phone's screenshot or an editor writes them. */
export function pngWithMetadata(png: Buffer, options: { readonly orientation?: number } = {}): Buffer {
  const firstData = png.indexOf('IDAT', 8, 'latin1') - 4;
  return Buffer.concat([
    png.subarray(0, firstData),
    pngChunk('eXIf', phoneTiff(options)),
    pngChunk('iTXt', Buffer.from(`XML:com.adobe.xmp\0\0\0\0\0${XMP_PACKET}`, 'latin1')),
    pngChunk('tEXt', Buffer.from(`Comment\0${SECRETS.comment}`, 'latin1')),
    pngChunk('tIME', Buffer.from([0x07, 0xea, 11, 30, 7, 42, 10])),
    png.subarray(firstData),
  ]);
}

/** A WebP from Chromium's canvas (extended: VP8X, ALPH, VP8), made to carry EXIF and XMP chunks after the picture. */
export function webpWithMetadata(webp: Buffer, options: { readonly orientation?: number } = {}): Buffer {
  if (webp.toString('latin1', 12, 16) !== 'VP8X') throw new Error('expected an extended WebP (VP8X first)');
  const chunks = Buffer.from(webp.subarray(12));
  chunks[8] = (chunks[8] ?? 0) | 0x08 | 0x04; // VP8X flags: EXIF and XMP present
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), chunks, riffChunk('EXIF', phoneTiff(options)), riffChunk('XMP ', Buffer.from(XMP_PACKET, 'latin1'))]);
  const header = Buffer.from('RIFF\0\0\0\0', 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** A 2×1 GIF (two colours) that loops, with a comment and an XMP application extension. */
export function gifWithMetadata(): Buffer {
  const subBlocks = (text: string) => {
    const bytes = Buffer.from(text, 'latin1');
    const parts: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 255) {
      const part = bytes.subarray(at, at + 255);
      parts.push(Buffer.from([part.length]), part);
    }
    return Buffer.concat([...parts, Buffer.from([0])]);
  };
  return Buffer.concat([
    Buffer.from('GIF89a', 'latin1'),
    Buffer.from([2, 0, 1, 0, 0x80, 0, 0]), // 2×1, a global table of 2 colours
    Buffer.from([0xff, 0x00, 0x00, 0x00, 0x00, 0xff]), // red, blue
    Buffer.from([0x21, 0xff, 0x0b]), Buffer.from('NETSCAPE2.0', 'latin1'), Buffer.from([3, 1, 0, 0, 0]),
    Buffer.from([0x21, 0xfe]), subBlocks(SECRETS.comment),
    Buffer.from([0x21, 0xff, 0x0b]), Buffer.from('XMP DataXMP', 'latin1'), subBlocks(XMP_PACKET),
    Buffer.from([0x21, 0xf9, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00]),
    Buffer.from([0x2c, 0, 0, 0, 0, 2, 0, 1, 0, 0]),
    Buffer.from([0x02, 0x02, 0x44, 0x0a, 0x00]), // LZW: code size 2, one sub-block: clear, 0, 1, end
    Buffer.from([0x3b]),
  ]);
}

/** An iPhone-like HEIC: ftyp, meta (hdlr, iinf with a picture, an Exif and an XMP item, iloc), mdat. */
export function heicWithMetadata(options: { readonly brokenIloc?: boolean } = {}): { bytes: Buffer; picture: Buffer; exifAt: number; exifLength: number } {
  const box = (type: string, ...content: Buffer[]) => {
    const body = Buffer.concat(content);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + body.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body]);
  };
  const full = (version: number) => Buffer.from([version, 0, 0, 0]);
  const u16 = (v: number) => Buffer.from([v >> 8, v & 0xff]);
  const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v); return b; };
  const infe = (id: number, type: string, extra = '') => box('infe', full(2), u16(id), u16(0), Buffer.from(`${type}\0${extra}`, 'latin1'));
  const picture = Buffer.alloc(300, 0x42);
  const exif = Buffer.concat([u32(6), Buffer.from('Exif\0\0', 'latin1'), phoneTiff({ orientation: 6 })]);
  const xmp = Buffer.from(`<x:xmpmeta xmlns:x="adobe:ns:meta/">${SECRETS.xmpGps}</x:xmpmeta>`);
  const ftyp = box('ftyp', Buffer.from('heic\0\0\0\0mif1heic', 'latin1'));
  const iloc = (mdatData: number) => box('iloc', full(0), Buffer.from([0x44, 0x00]), u16(3),
    u16(1), u16(0), u16(1), u32(mdatData), u32(picture.length),
    u16(2), u16(0), u16(1), u32(mdatData + picture.length), u32(exif.length),
    u16(3), u16(0), u16(1), u32(mdatData + picture.length + exif.length), u32(options.brokenIloc ? 1_000_000 : xmp.length));
  const meta = (mdatData: number) => box('meta', full(0), box('hdlr', full(0), u32(0), Buffer.from('pict\0\0\0\0\0\0\0\0\0\0\0\0\0', 'latin1')), box('pitm', full(0), u16(1)),
    box('iinf', full(0), u16(3), infe(1, 'hvc1'), infe(2, 'Exif'), infe(3, 'mime', 'application/rdf+xml\0')), iloc(mdatData));
  const mdatData = ftyp.length + meta(0).length + 8;
  const bytes = Buffer.concat([ftyp, meta(mdatData), box('mdat', picture, exif, xmp)]);
  return { bytes, picture, exifAt: mdatData + picture.length, exifLength: exif.length + xmp.length };
}
