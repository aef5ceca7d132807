// The DPO's person keys and search text (src/privacy/person-key.ts), and the erasure planner's per-ticket plans
// (src/privacy/erase-person.ts): pure functions, no database.
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/privacy/anonymise.js';
import { isPerson, planFollowerErasure, planReporterErasure, type PersonMatch } from '../../src/privacy/erase-person.js';
import { formatPersonKey, parsePersonKey, queriesFromText, safeKey } from '../../src/privacy/person-key.js';
import type { Follower, Ticket } from '../../src/tickets/model.js';

describe('person keys', () => {
  it('parse what they format, normalising phones and emails', () => {
    expect(parsePersonKey('phone:0812-3456-7890')).toEqual({ kind: 'phone', phone: '+6281234567890' });
    expect(parsePersonKey('email:Siti@Example.ORG')).toEqual({ kind: 'email', email: 'siti@example.org' });
    expect(parsePersonKey('telegram:123456')).toEqual({ kind: 'identity', channel: 'telegram', channelUserId: '123456' });
    expect(parsePersonKey('webchat:session-ab:cd')).toEqual({ kind: 'identity', channel: 'webchat', channelUserId: 'session-ab:cd' });
    for (const key of ['phone:+6281234567890', 'email:siti@example.org', 'whatsapp:6281234567890']) expect(formatPersonKey(parsePersonKey(key) ?? { kind: 'phone', phone: '' })).toBe(key);
    for (const bad of ['', 'phone:', 'phone:12', 'email:nope', 'fax:123', ':x', 'x'.repeat(300)]) expect(parsePersonKey(bad), bad).toBeUndefined();
  });

  it('read a search box: a phone in any spelling, an email, a key, or an account on any channel', () => {
    for (const q of ['0812-3456-7890', '+62 812 3456 7890', '6281234567890', '81234567890']) expect(queriesFromText(q), q).toEqual([{ kind: 'phone', phone: '+6281234567890' }]);
    expect(queriesFromText(' Siti@Example.org ')).toEqual([{ kind: 'email', email: 'siti@example.org' }]);
    expect(queriesFromText('telegram:987654')).toEqual([{ kind: 'identity', channel: 'telegram', channelUserId: '987654' }]);
    expect(queriesFromText('987654').map((q) => q.kind === 'identity' && q.channel)).toEqual(['whatsapp', 'telegram', 'webchat']);
    expect(queriesFromText('ab')).toEqual([]);
    expect(queriesFromText('two words')).toEqual([]);
  });

  it('make a file name of a key', () => {
    expect(safeKey('phone:+6281234567890')).toBe('phone-+6281234567890');
    expect(safeKey('email:siti@example.org')).toBe('email-siti-example.org');
  });
});

const match: PersonMatch = { identities: [{ channel: 'telegram', channelUserId: '111' }], phones: ['+6281234567890'], emails: ['siti@example.org'] };
const at = new Date('2026-11-01T00:00:00Z');
const photo = (fileId: string, filename?: string) => ({ fileId, sha256: fileId, contentType: 'image/jpeg', size: 10, ...(filename ? { filename } : {}) });
const follower = (f: Partial<Follower>): Follower => ({ channel: 'telegram', at, via: 'nearby', ...f });
const ticket = (t: Partial<Ticket>): Ticket => ({
  number: 'ADU-2611-00001', status: 'in_progress', channel: 'telegram', reporter: { name: 'Siti', channelUserId: '111', phone: '+6281234567890', address: 'Jl. Mawar 1' },
  category: 'jalan_rusak', description: 'Lubang di depan rumah Siti', attachments: [photo('a1', 'KTP_siti.jpg')], location: { latitude: -6.2001234, longitude: 106.8001234, address: 'Jl. Mawar 1' },
  history: [{ at, actor: 'reporter', action: 'create', from: null, to: 'open' }], due: {}, reopenCount: 0, version: 3, createdAt: at, updatedAt: at, ...t,
});

describe('the erasure planner', () => {
  it('knows the person by account, phone or email, not by an account on another channel', () => {
    expect(isPerson({ channel: 'telegram', channelUserId: '111' }, match)).toBe(true);
    expect(isPerson({ channel: 'whatsapp', channelUserId: '111' }, match)).toBe(false);
    expect(isPerson({ phone: '+6281234567890' }, match)).toBe(true);
    expect(isPerson({ email: 'SITI@example.org' }, match)).toBe(true);
    expect(isPerson({ channel: 'telegram', channelUserId: '222', phone: '+6281300000000' }, match)).toBe(false);
  });

  it('anonymises a ticket she reported, keeps another follower whole, removes or keeps her photos by decision', () => {
    const joko = follower({ channelUserId: '222', name: 'Joko', phone: '+6281300000000', attachments: [photo('j1')] });
    const hers = follower({ channel: 'webchat', channelUserId: 'w-1', name: 'Siti', phone: '+6281234567890', attachments: [photo('s2')] });
    const t = ticket({ followers: [joko, hers] });
    const removed = planReporterErasure(t, match, at, 'remove');
    expect(removed.set).toMatchObject({ reporter: {}, description: REDACTED, attachments: [], location: { latitude: -6.2, longitude: 106.8 } });
    expect(removed.set.followers).toEqual([joko, { channel: 'webchat', at, via: 'nearby' }]);
    expect([...removed.deletePhotos].sort()).toEqual(['a1', 's2']);
    expect(removed.unset).toContain('intake');

    const kept = planReporterErasure(t, match, at, 'keep');
    expect(kept.deletePhotos).toEqual([]);
    expect(kept.set.attachments).toEqual([photo('a1')]);
    expect(kept.set.followers).toEqual([joko, { channel: 'webchat', at, via: 'nearby', attachments: [photo('s2')] }]);
  });

  it('reduces only her entry on a ticket she follows, and her rating to its score; nothing of hers: no plan', () => {
    const t = ticket({ reporter: { name: 'Joko', channelUserId: '222' }, followers: [follower({ channelUserId: '111', name: 'Siti', description: 'Sama di depan rumah saya', attachments: [photo('s3')] })], satisfaction: { score: 4, at, by: 'follower:111' } });
    const plan = planFollowerErasure(t, match, 'remove');
    expect(plan?.set).toEqual({ followers: [{ channel: 'telegram', at, via: 'nearby' }], satisfaction: { score: 4, at, by: 'follower:anonymised' } });
    expect(plan?.deletePhotos).toEqual(['s3']);
    expect(planFollowerErasure(ticket({ reporter: { name: 'Joko', channelUserId: '222' } }), match, 'remove')).toBeNull();
  });
});
