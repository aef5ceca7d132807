import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { maskPii } from '../../src/observability/mask.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ destination }), text: () => lines.join('') };
}

describe('PII masking', () => {
  it.each([
    ['0812-3456-7890', '0812****890'],
    ['+62 812 3456 7890', '+6281****890'],
    ['6281234567890@c.us', '6***@c***.us'],
    ['budi.santoso@gmail.com', 'b***@g***.com'],
    ['+14155550123', '+1415****123'],
  ])('masks %s', (raw, masked) => {
    expect(maskPii(`kontak: ${raw}.`)).toBe(`kontak: ${masked}.`);
  });

  it('leaves ticket numbers, dates and ports alone', () => {
    const text = 'ADU-2611-00042 dibuat 2026-11-24T10:00:00+07:00 di port 27017, id 1234567890';
    expect(maskPii(text)).toBe(text);
  });

  it('never writes a phone number, email or secret to the log', () => {
    const { logger, text } = capture();
    logger.info({ reporter: { phone: '+6281234567890', email: 'siti@example.co.id' }, botToken: '123:ABC', note: ['hubungi 081298765432'] }, 'pesan dari 081234567890');
    logger.error(new Error('gagal kirim ke warga@example.com'), 'send failed');
    const out = text();
    for (const secret of ['6281234567890', '81234567890', 'siti@example', '123:ABC', '81298765432', 'warga@example']) expect(out).not.toContain(secret);
    expect(out).toContain('+6281****890');
    expect(out).toContain('[redacted]');
    expect(out).toContain('"type":"Error","message":"gagal kirim ke w***@e***.com"');
  });
});
