// The anonymisation planner on a ticket full of personal data: what is left names, reaches and describes nobody,
// and what statistics count (category, agency, status, dates, SLA, history's steps, rating) is unchanged.
import { describe, expect, it } from 'vitest';
import { anonymiseTicket, REDACTED, removeTicketPhotos } from '../../src/privacy/anonymise.js';
import type { AttachmentRef, Ticket } from '../../src/tickets/model.js';

const at = new Date('2024-01-10T03:00:00Z');
const photo = (id: string, extra: Partial<AttachmentRef> = {}): AttachmentRef => ({ fileId: id, sha256: `sha-${id}`, contentType: 'image/jpeg', size: 10, filename: `${id}.jpg`, ...extra });

const PERSONAL = ['Siti Rahmawati', '+6281234567890', 'siti.r@example.com', 'Jl. Kenanga No. 7', '628123456789', 'selokan', 'Bu Siti', 'Andi Wijaya', '+6285511112222', 'andi@example.com', 'Gg. Mawar 3', 'tg-99887766', 'rumah saya'];

function fullTicket(): Ticket {
  return {
    number: 'ADU-2401-00001',
    status: 'closed',
    channel: 'whatsapp',
    reporter: { name: 'Siti Rahmawati', phone: '+6281234567890', email: 'siti.r@example.com', address: 'Jl. Kenanga No. 7', channelUserId: '628123456789' },
    category: 'drainase',
    agency: 'dpupr',
    intake: { messageId: 'wamid.1', conversationKey: 'whatsapp:628123456789', session: 2 },
    description: 'Selokan depan rumah saya mampet, kata Bu Siti banjir tiap hujan',
    attachments: [photo('a1'), photo('a2', { public: { fileId: 'a2-blurred', at, by: 'operator:rina' } }), photo('a3', { public: { fileId: 'a3', at, by: 'operator:rina' } })],
    location: { latitude: -6.2000123, longitude: 106.8166789, address: 'Jl. Kenanga No. 7' },
    geo: { type: 'Point', coordinates: [106.8166789, -6.2000123] },
    result: { text: 'Saluran dinormalisasi', attachments: [photo('r1')], at, by: 'agency:dpupr' },
    closeReason: 'confirmed',
    due: {},
    firstRespondedAt: at,
    resolvedAt: at,
    closedAt: at,
    reopenCount: 1,
    slaBreaches: [{ kind: 'followUp', at, agency: 'dpupr', key: 'k1' }],
    history: [
      { at, actor: 'reporter', action: 'create', from: null, to: 'open', agency: 'dpupr', note: 'agency dpupr' },
      { at, actor: 'system:routing', action: 'forward', from: 'open', to: 'forwarded', note: 'lapor' },
      { at, actor: 'operator:rina', action: 'reopen', from: 'resolved', to: 'in_progress', note: 'Bu Siti bilang masih mampet' },
    ],
    notes: [{ at, author: 'rina', text: 'Andi Wijaya (tetangga) menelepon dari +6285511112222' }],
    followers: [{ channel: 'telegram', channelUserId: 'tg-99887766', name: 'Andi Wijaya', phone: '+6285511112222', email: 'andi@example.com', address: 'Gg. Mawar 3', at, via: 'nearby', description: 'selokan meluap', attachments: [photo('f1')], location: { latitude: -6.2, longitude: 106.8, address: 'Gg. Mawar 3' }, intake: { messageId: 'tg1', conversationKey: 'telegram:tg-99887766', session: 0 } }],
    followerCount: 1,
    publicToken: 'secret-token-123',
    satisfaction: { score: 4, at, by: 'follower:tg-99887766' },
    version: 7,
    createdAt: at,
    updatedAt: at,
  };
}

/** The ticket as the store leaves it: the plan's $set over the ticket, its $unset fields removed. */
function applied(ticket: Ticket, plan: { set: Record<string, unknown>; unset: readonly string[] }): Record<string, unknown> {
  return Object.fromEntries(Object.entries({ ...ticket, ...plan.set }).filter(([field]) => !plan.unset.includes(field)));
}

describe('anonymiseTicket', () => {
  const ticket = fullTicket();
  const now = new Date('2026-12-02T02:20:00Z');
  const plan = anonymiseTicket(ticket, now);
  const after = applied(ticket, plan);
  const text = JSON.stringify(after).toLowerCase();

  it('leaves no name, phone, email, address, chat id or description word', () => {
    for (const word of PERSONAL) expect(text, word).not.toContain(word.toLowerCase());
    expect(after.reporter).toEqual({});
    expect(after.description).toBe(REDACTED);
    expect(after.intake).toBeUndefined();
  });

  it('keeps what statistics count', () => {
    for (const field of ['number', 'status', 'channel', 'category', 'agency', 'closeReason', 'firstRespondedAt', 'resolvedAt', 'closedAt', 'reopenCount', 'slaBreaches', 'createdAt', 'followerCount', 'result', 'version', 'publicToken'] as const) {
      expect(after[field], field).toEqual(ticket[field]);
    }
    expect((after.history as Ticket['history']).map((h) => [h.action, h.from, h.to, h.actor, h.agency, h.at])).toEqual(ticket.history.map((h) => [h.action, h.from, h.to, h.actor, h.agency, h.at]));
    // The routing codes the system wrote stay (older entries name the agency only there); people's notes go.
    expect((after.history as Ticket['history']).map((h) => h.note)).toEqual(['agency dpupr', 'lapor', REDACTED]);
    expect(after.satisfaction).toEqual({ score: 4, at, by: 'follower:anonymised' });
    expect(after.followers).toEqual([{ channel: 'telegram', at, via: 'nearby' }]);
    expect(after.anonymisedAt).toEqual(now);
  });

  it('rounds the location to about 100 m and drops its address', () => {
    expect(after.location).toEqual({ latitude: -6.2, longitude: 106.817 });
    expect(after.geo).toEqual({ type: 'Point', coordinates: [106.817, -6.2] });
  });

  it('deletes the citizens\' photos and the originals behind blacked-out copies, keeps what is public and the agency\'s', () => {
    expect([...plan.deletePhotos].sort()).toEqual(['a1', 'a2', 'f1']);
    expect((after.attachments as AttachmentRef[]).map((a) => a.fileId)).toEqual(['a2', 'a3']);
  });

  it('a ticket without coordinates loses its location and map point', () => {
    const typed = { ...fullTicket(), location: { address: 'Jl. Kenanga No. 7' }, geo: undefined };
    const result = applied(typed, anonymiseTicket(typed, now));
    expect(result.location).toBeUndefined();
    expect(JSON.stringify(result)).not.toContain('Kenanga');
  });
});

describe('removeTicketPhotos', () => {
  it('removes only photos, keeping every other field', () => {
    const ticket = fullTicket();
    const now = new Date('2025-01-10T00:00:00Z');
    const plan = removeTicketPhotos(ticket, now);
    const after = applied(ticket, plan);
    expect([...plan.deletePhotos].sort()).toEqual(['a1', 'a2', 'f1']);
    expect(after.reporter).toEqual(ticket.reporter);
    expect(after.description).toBe(ticket.description);
    expect((after.followers as Ticket['followers'])?.[0]?.attachments).toEqual([]);
    expect((after.followers as Ticket['followers'])?.[0]?.name).toBe('Andi Wijaya');
    expect(after.photosRemovedAt).toEqual(now);
  });
});
