// The masks themselves (src/inbox/masking.ts): what an agency operator sees of a
// citizen's contact, for every spelling the channels store.
import { describe, expect, it } from 'vitest';
import { maskAddress, maskChannelUserId, maskEmail, maskPerson, maskPhone, masksFor } from '../../src/inbox/masking.js';

describe('masks', () => {
  it('keeps the operator prefix and the last three digits of a phone, in the local spelling', () => {
    expect(maskPhone('+6281234567678')).toBe('0812•••••678');
    expect(maskPhone('6281234567678')).toBe('0812•••••678');
    expect(maskPhone('0812-3456-7678')).toBe('0812•••••678');
    // Too short to keep anything without giving it away.
    expect(maskPhone('12345')).toBe('•••••');
  });

  it("keeps an email's first letter and its domain, an address's first word", () => {
    expect(maskEmail('dewi.lestari@warga.example')).toBe('d•••@warga.example');
    expect(maskEmail('no-at-sign')).toBe('•••');
    expect(maskAddress('  Jl. Melati No. 5, RT 02')).toBe('Jl.•••');
    expect(maskAddress('Perumahan-Griya-Asri-Indah Blok C')).toBe('Perumahan-Gr•••');
  });

  it('masks a channel account by what it is: a WhatsApp number, an email, or an id', () => {
    expect(maskChannelUserId('6281234567678')).toBe('0812•••••678');
    expect(maskChannelUserId('dewi@warga.example')).toBe('d•••@warga.example');
    expect(maskChannelUserId('w-8f3a2c')).toBe('w-•••');
  });

  it('masks every contact field present and leaves the name and absent fields alone', () => {
    expect(maskPerson({ name: 'Dewi', phone: '+6281234567678', channelUserId: '12345678901' })).toEqual({ name: 'Dewi', phone: '0812•••••678', channelUserId: '1234•••••901' });
    expect(maskPerson({ name: 'Dewi', email: '' })).toEqual({ name: 'Dewi', email: '' });
  });

  it('applies to the configured roles only', () => {
    const config = { privacy: { maskRoles: ['agency', 'supervisor'] } } as unknown as Parameters<typeof masksFor>[0];
    expect([masksFor(config, { role: 'agency' }), masksFor(config, { role: 'supervisor' }), masksFor(config, { role: 'admin' })]).toEqual([true, true, false]);
  });
});
