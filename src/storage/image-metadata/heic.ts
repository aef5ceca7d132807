// HEIC/HEIF (what iPhones save): metadata are items of the file, listed in
// the `meta` box (`iinf` names each item, `iloc` says where its bytes are).
// Removing an item would move every offset after it, so the bytes of the
// Exif item and of XMP items are overwritten with zeros in place: the file
// keeps its layout and every picture item, and a reader finds an empty,
// unreadable metadata block. Which way is up lives in the image's own `irot`
// and `imir` properties, not in EXIF, so it is untouched.
//
// A file whose boxes cannot be read is returned with `unreadable` set; the
// caller decides (the store refuses it rather than keep what it cannot clean).
import { type Stripped } from './rewrite.js';

interface Box {
  readonly type: string;
  /** Where the box's content starts (after the header) and where the box ends. */
  readonly start: number;
  readonly end: number;
}

interface Extent {
  readonly offset: number;
  readonly length: number;
}

class Unreadable extends Error {}

export function stripHeic(input: Buffer): Stripped & { readonly unreadable?: true } {
  try {
    const meta = boxes(input, 0, input.length).find((b) => b.type === 'meta');
    if (!meta) return { bytes: input, removed: [] };
    const children = boxes(input, meta.start + 4, meta.end); // meta is a full box: version and flags first
    const metadataItems = itemsToBlank(input, children.find((b) => b.type === 'iinf'));
    if (metadataItems.size === 0) return { bytes: input, removed: [] };
    const iloc = children.find((b) => b.type === 'iloc');
    if (!iloc) throw new Unreadable('metadata items without locations');
    const idat = children.find((b) => b.type === 'idat');
    const locations = extentsOf(input, iloc, new Set(metadataItems.keys()), idat?.start);
    const out = Buffer.from(input);
    for (const [id] of metadataItems) {
      const extents = locations.get(id);
      if (!extents) throw new Unreadable('a metadata item without a location');
      for (const { offset, length } of extents) {
        if (offset + length > out.length) throw new Unreadable('a metadata item past the end of the file');
        out.fill(0, offset, offset + length);
      }
    }
    return { bytes: out, removed: [...new Set(metadataItems.values())].sort() };
  } catch (error) {
    if (error instanceof Unreadable || error instanceof RangeError) return { bytes: input, removed: [], unreadable: true };
    throw error;
  }
}

function boxes(input: Buffer, from: number, to: number): Box[] {
  const found: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = input.readUInt32BE(at);
    const type = input.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      size = Number(input.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) throw new Unreadable(`box ${type} does not fit`);
    found.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return found;
}

/** The ids of the Exif and XMP items, from `iinf` (item info entries of version 2 and 3). */
function itemsToBlank(input: Buffer, iinf: Box | undefined): Map<number, 'exif' | 'xmp'> {
  const items = new Map<number, 'exif' | 'xmp'>();
  if (!iinf) return items;
  const version = input[iinf.start] ?? 0;
  const entriesAt = iinf.start + 4 + (version === 0 ? 2 : 4);
  for (const infe of boxes(input, entriesAt, iinf.end)) {
    if (infe.type !== 'infe') continue;
    const infeVersion = input[infe.start] ?? 0;
    if (infeVersion < 2) continue;
    let at = infe.start + 4;
    const id = infeVersion === 2 ? input.readUInt16BE(at) : input.readUInt32BE(at);
    at += (infeVersion === 2 ? 2 : 4) + 2; // id, protection index
    const itemType = input.toString('latin1', at, at + 4);
    if (itemType === 'Exif') items.set(id, 'exif');
    if (itemType === 'mime') {
      const nameEnd = input.indexOf(0, at + 4);
      const contentType = nameEnd < 0 || nameEnd >= infe.end ? '' : input.toString('latin1', nameEnd + 1, Math.max(nameEnd + 1, input.indexOf(0, nameEnd + 1)));
      if (contentType.includes('rdf+xml')) items.set(id, 'xmp');
    }
  }
  return items;
}

/** Where the wanted items' bytes are in the file (construction method 0: file offsets; 1: inside `idat`). */
function extentsOf(input: Buffer, iloc: Box, wanted: ReadonlySet<number>, idatStart: number | undefined): Map<number, Extent[]> {
  const found = new Map<number, Extent[]>();
  const version = input[iloc.start] ?? 0;
  let at = iloc.start + 4;
  const sizes = input[at] ?? 0;
  const more = input[at + 1] ?? 0;
  at += 2;
  const offsetSize = sizes >> 4;
  const lengthSize = sizes & 0x0f;
  const baseOffsetSize = more >> 4;
  const indexSize = version === 1 || version === 2 ? more & 0x0f : 0;
  const read = (bytes: number): number => {
    if (at + bytes > iloc.end) throw new Unreadable('iloc ends early');
    const value = bytes === 0 ? 0 : bytes === 2 ? input.readUInt16BE(at) : bytes === 4 ? input.readUInt32BE(at) : bytes === 8 ? Number(input.readBigUInt64BE(at)) : Number.NaN;
    if (Number.isNaN(value)) throw new Unreadable(`iloc field of ${String(bytes)} bytes`);
    at += bytes;
    return value;
  };
  const count = read(version < 2 ? 2 : 4);
  for (let i = 0; i < count; i++) {
    const id = read(version < 2 ? 2 : 4);
    const method = version === 1 || version === 2 ? read(2) & 0x0f : 0;
    read(2); // data reference index: 0, this file
    const base = read(baseOffsetSize);
    const extents: Extent[] = [];
    for (let e = read(2); e > 0; e--) {
      read(indexSize);
      const offset = read(offsetSize);
      const length = read(lengthSize);
      extents.push({ offset: base + offset, length });
    }
    if (!wanted.has(id)) continue;
    if (method === 1 && idatStart !== undefined) found.set(id, extents.map((x) => ({ offset: idatStart + x.offset, length: x.length })));
    else if (method === 0 && extents.every((x) => x.length > 0)) found.set(id, extents);
    else throw new Unreadable('a metadata item stored in a way this reader does not follow');
  }
  return found;
}
