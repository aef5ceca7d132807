// The public view of a ticket is a whitelist: a ticket full of personal data
// (reporter, followers, notes, history notes, the description, exact spot,
// unpublished photos, an unvalidated result) gives a view with none of it.
// And the black-out: regions in the picture as shown, upright.
import { describe, expect, it } from 'vitest';
import { LOCALES_DIR } from '../../src/conversation/setup.js';
import { loadTexts } from '../../src/conversation/texts.js';
import { blackOut, orient } from '../../src/public/redact.js';
import { publicTicketView } from '../../src/public/view.js';
import type { Ticket } from '../../src/tickets/model.js';
import { defaultConfig } from '../support/config.js';

const config = defaultConfig();
const texts = loadTexts(LOCALES_DIR);
const at = new Date('2026-11-20T03:00:00Z');
const photo = (fileId: string, published?: string) => ({ fileId, sha256: 'x', contentType: 'image/jpeg', size: 10, filename: 'rumah-bu-ratna.jpg', ...(published ? { public: { fileId: published, at, by: 'siti' } } : {}) });

const ticket: Ticket = {
  number: 'ADU-2611-00042',
  status: 'in_progress',
  channel: 'whatsapp',
  reporter: { name: 'Ratna Sari', phone: '+6281211112222', email: 'ratna@contoh.id', address: 'Jl. Mawar 3', channelUserId: '6281211112222' },
  category: 'jalan_rusak',
  agency: 'DPUPR',
  description: 'Lubang di depan rumah Pak Budi Santoso',
  attachments: [photo('aaaaaaaaaaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbbbbbbbbbb'), photo('cccccccccccccccccccccccc')],
  location: { latitude: -7.250_45, longitude: 112.768_84, address: 'Jl. Mawar 3' },
  result: { text: 'Belum divalidasi', attachments: [photo('dddddddddddddddddddddddd', 'eeeeeeeeeeeeeeeeeeeeeeee')], at, by: 'agency:DPUPR/budi' },
  due: {},
  owner: 'budi',
  reopenCount: 0,
  history: [
    { at, actor: 'reporter', action: 'create', from: null, to: 'open', note: 'agency DPUPR', agency: 'DPUPR' },
    { at, actor: 'operator:siti', action: 'route', from: 'open', to: 'open', note: 'Pak Budi minta dipindah', agency: 'DPUPR', fromAgency: 'DPUPR' },
    { at, actor: 'agency:DPUPR/budi', action: 'respond', from: 'open', to: 'in_progress', note: 'Sudah telepon Bu Ratna' },
    { at, actor: 'operator:siti', action: 'returnToAgency', from: 'in_progress', to: 'in_progress', note: 'Foto kurang jelas' },
  ],
  notes: [{ at, author: 'siti', text: 'Pelapor kenal kepala dinas' }],
  labels: ['vip'],
  followers: [{ channel: 'telegram', channelUserId: '5550001', name: 'Joko Widodo', phone: '+6285611110000', at, via: 'nearby', description: 'rumah saya juga' }],
  followerCount: 1,
  publicToken: 'tokentokentokentokentoke',
  version: 3,
  createdAt: at,
  updatedAt: at,
};

describe('publicTicketView', () => {
  it('copies only what the public may see', () => {
    const view = publicTicketView(ticket, { config, texts, locale: 'id' });
    expect(view).toEqual({
      number: 'ADU-2611-00042',
      category: { code: 'jalan_rusak', name: 'Jalan rusak' },
      status: { code: 'in_progress', label: 'Sedang ditindaklanjuti' },
      agency: 'Dinas Pekerjaan Umum dan Penataan Ruang',
      followers: 1,
      reportedAt: at.toISOString(),
      updatedAt: at.toISOString(),
      location: { latitude: -7.25, longitude: 112.769 },
      // The same-agency transfer (a corrected category) and the internal return are no public steps.
      milestones: [
        { at: at.toISOString(), step: 'create', label: 'Laporan diterima' },
        { at: at.toISOString(), step: 'respond', label: 'Mulai ditindaklanjuti' },
      ],
      photos: [{ url: '/t/ADU-2611-00042/photos/bbbbbbbbbbbbbbbbbbbbbbbb?k=tokentokentokentokentoke', alt: 'Foto laporan ADU-2611-00042 (1)' }],
    });
    const text = JSON.stringify(view);
    for (const secret of ['Ratna', '+62812', 'ratna@', 'Mawar', 'Budi', 'Joko', '+62856', 'rumah saya', 'kepala dinas', 'telepon', 'Foto kurang', 'siti', 'budi', 'vip', 'aaaaaaaa', 'cccccccc', 'rumah-bu-ratna', 'Belum divalidasi', '-7.25045', '112.76884']) {
      expect(text).not.toContain(secret);
    }
  });

  it('shows the result and its published photos once validated, in English too', () => {
    const view = publicTicketView({ ...ticket, status: 'resolved', resolvedAt: at }, { config, texts, locale: 'en' });
    expect(view.status.label).toBe('Followed up');
    expect(view.result).toEqual({ text: 'Belum divalidasi', at: at.toISOString(), photos: [{ url: '/t/ADU-2611-00042/photos/eeeeeeeeeeeeeeeeeeeeeeee?k=tokentokentokentokentoke', alt: 'Photo of the follow-up result of report ADU-2611-00042 (1)' }] });
    expect(view.category.name).toBe('Damaged road');
  });
});

describe('black-out', () => {
  const bitmap = (width: number, height: number) => ({ width, height, data: new Uint8Array(width * height * 4).fill(255) });
  const isBlack = (b: ReturnType<typeof bitmap>, x: number, y: number) => b.data[(y * b.width + x) * 4] === 0;

  it('fills the region, widened outward to whole pixels, and nothing else', () => {
    const b = bitmap(10, 10);
    blackOut(b, [{ x: 0.25, y: 0.25, w: 0.3, h: 0.1 }]);
    const black = [];
    for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) if (isBlack(b, x, y)) black.push(`${String(x)},${String(y)}`);
    expect(black).toEqual(['2,2', '3,2', '4,2', '5,2', '2,3', '3,3', '4,3', '5,3']);
  });

  it('turns a phone photo upright first (EXIF 6: the picture is shown turned 90° clockwise)', () => {
    const b = bitmap(4, 2);
    // The top-left pixel of the stored picture is marked; shown upright it is at the top right.
    b.data[0] = 7;
    const upright = orient(b, 6);
    expect([upright.width, upright.height]).toEqual([2, 4]);
    expect(upright.data[(0 * 2 + 1) * 4]).toBe(7);
  });
});
