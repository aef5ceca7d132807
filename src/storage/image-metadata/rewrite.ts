// What each format's stripper builds: the parts it keeps, in order, and the
// kinds of things it left out. A photo with nothing to leave out comes back
// as the very same bytes (same sha256, so dedupe and earlier copies agree).

/** What was left out of a photo: metadata, and bytes no decoder reads (after the end, damaged gaps). */
export type Removed = 'exif' | 'xmp' | 'iptc' | 'comment' | 'thumbnail' | 'text' | 'time' | 'other' | 'trailer' | 'damaged';

export interface Stripped {
  readonly bytes: Buffer;
  /** Sorted, each kind once; empty when the bytes are the input's. */
  readonly removed: readonly Removed[];
}

export class Rewrite {
  private readonly parts: Buffer[] = [];
  private readonly left = new Set<Removed>();

  constructor(private readonly input: Buffer) {}

  keep(part: Buffer): void {
    if (part.length > 0) this.parts.push(part);
  }

  drop(kind: Removed): void {
    this.left.add(kind);
  }

  get changed(): boolean {
    return this.left.size > 0;
  }

  /** The kept parts joined (or assembled, e.g. under a new container header). */
  result(assemble: (parts: readonly Buffer[]) => Buffer = (parts) => Buffer.concat(parts)): Stripped {
    if (!this.changed) return { bytes: this.input, removed: [] };
    return { bytes: assemble(this.parts), removed: [...this.left].sort() };
  }
}
