// Small byte sequences that start like real images (the magic numbers the
// sniffer checks), padded to the size a test needs.

export function fakeJpeg(size: number, seed = 1): Buffer {
  return withHeader([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00], size, seed);
}

export function fakePng(size: number, seed = 2): Buffer {
  return withHeader([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], size, seed);
}

function withHeader(header: number[], size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(Math.max(size, header.length));
  Buffer.from(header).copy(bytes);
  for (let i = header.length; i < bytes.length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}
