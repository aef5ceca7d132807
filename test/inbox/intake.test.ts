// Phone intake: the caller looked up by phone in any spelling, within the
// operator's scope, audited as a read of personal data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';
import { useTestDatabase } from '../support/database.js';
import { fakeJpeg } from '../support/images.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let dpupr: OperatorSession;

interface Caller { phone: string; identity: { name: string | null; address: string | null; email: string | null } | null; tickets: { number: string; status: string; category: string; createdAt: string }[] }

const made: string[] = [];

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  dpupr = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
  const complaints = [
    { reporter: { name: 'Rudi', phone: '0812 7777 8888', address: 'Jl. Kenari 1' }, category: 'jalan_rusak', description: 'Aspal berlubang' },
    { reporter: { name: 'Rudi Hartono', phone: '+62 812-7777-8888', address: 'Jl. Kenari 3', email: 'rudi@example.id' }, category: 'sampah', description: 'Sampah menumpuk' },
    { reporter: { name: 'Lain', phone: '0812 7777 88889' }, category: 'jalan_rusak', description: 'Nomor lain yang memuat nomor Rudi' },
  ];
  for (const body of complaints) {
    const response = await admin.post<{ number: string }>('/api/tickets', { channel: 'phone', ...body });
    expect(response.status).toBe(201);
    made.push(response.body.number);
  }
});
afterAll(async () => { await app.stop(); });

describe('caller lookup', () => {
  it('finds the caller in any spelling of the phone, with the newest identity and earlier tickets', async () => {
    for (const spelling of ['081277778888', '+6281277778888', '62 812-7777-8888', '0812 7777 8888']) {
      const found = await admin.get<Caller>(`/api/intake/caller?phone=${encodeURIComponent(spelling)}`);
      expect(found.status).toBe(200);
      expect(found.body.phone).toBe('+6281277778888');
      expect(found.body.identity).toEqual({ name: 'Rudi Hartono', address: 'Jl. Kenari 3', email: 'rudi@example.id' });
      expect(found.body.tickets.map((t) => t.number)).toEqual([made[1], made[0]]);
      expect(found.body.tickets[0]).toMatchObject({ status: 'open', category: 'sampah' });
    }
  });

  it('says nobody for an unknown phone and refuses what is no phone', async () => {
    const none = await admin.get<Caller>('/api/intake/caller?phone=0813 0000 1111');
    expect(none.body).toMatchObject({ identity: null, tickets: [] });
    const bad = await admin.get('/api/intake/caller?phone=abc');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'validation' });
  });

  it('lists only an agency operator\'s own agency\'s tickets', async () => {
    const found = await dpupr.get<Caller>('/api/intake/caller?phone=081277778888');
    expect(found.status).toBe(200);
    expect(found.body.tickets.map((t) => t.number)).toEqual([made[0]]);
    // Least privilege (issue 17 item 4): the name to greet the caller, the address masked.
    expect(found.body.identity).toEqual({ name: 'Rudi', address: 'Jl.•••', email: null });
  });

  it('records each lookup in the audit trail as a read of personal data, without the phone', async () => {
    const audit = await admin.get<{ entries: { action: string; actor: string; detail?: Record<string, unknown> }[] }>('/api/audit?limit=50');
    const lookups = audit.body.entries.filter((e) => e.action === 'lookup_caller');
    expect(lookups.some((e) => e.actor === 'operator:dpupr.budi' && e.detail?.found === 1)).toBe(true);
    expect(JSON.stringify(lookups)).not.toContain('7777');
  });
});

/** The intake form as the UI sends it: multipart with the complaint as JSON and the photos. */
async function intake(session: OperatorSession, body: Record<string, unknown>, photos: Buffer[] = []): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  form.append('complaint', JSON.stringify(body));
  photos.forEach((bytes, i) => { form.append('photo', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), `foto-${String(i)}.jpg`); });
  const response = await fetch(`${session.baseUrl}/api/intake`, { method: 'POST', headers: { cookie: session.cookie ?? '', 'x-csrf-token': session.csrf ?? '' }, body: form });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

describe('a phone complaint with a pin and a photo', () => {
  it('is created with its location and photo, which the ticket serves; audited with the photo count', async () => {
    const created = await intake(admin, { channel: 'phone', reporter: { name: 'Rudi Hartono', phone: '0812-7777-8888', email: '' }, category: 'jalan_rusak', description: 'Lubang besar di depan pasar', location: { latitude: -6.9147, longitude: 107.6098, address: 'Jl. Kenari 3, depan pasar' } }, [fakeJpeg(2_000)]);
    expect(created.status).toBe(201);
    const number = created.body.number as string;
    expect(created.body.notified).toBeNull();
    const detail = await admin.get<{ reporter: { phone: string }; location: { latitude: number; longitude: number; address: string }; photos: { url: string }[] }>(`/api/tickets/${number}`);
    expect(detail.body.reporter.phone).toBe('+6281277778888');
    expect(detail.body.location).toMatchObject({ latitude: -6.9147, longitude: 107.6098, address: 'Jl. Kenari 3, depan pasar' });
    expect(detail.body.photos).toHaveLength(1);
    const photo = await fetch(`${app.url}${detail.body.photos[0]?.url ?? ""}`, { headers: { cookie: admin.cookie ?? '' } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    const audit = await admin.get<{ entries: { action: string; detail?: Record<string, unknown> }[] }>(`/api/audit?ticket=${number}`);
    expect(audit.body.entries.find((e) => e.action === 'create_ticket')?.detail).toMatchObject({ channel: 'phone', photos: 1 });
  });

  it('refuses what is not a photo, a bad phone, and agency operators', async () => {
    const body = { channel: 'walk_in', reporter: { name: 'Ani' }, category: 'sampah', description: 'Sampah' };
    const notPhoto = await intake(admin, body, [Buffer.from('not an image at all')]);
    expect(notPhoto.status).toBeGreaterThanOrEqual(400);
    expect(notPhoto.body).toMatchObject({ code: 'bad_photo', details: { reason: 'not_an_image' } });
    const badPhone = await intake(admin, { ...body, reporter: { name: 'Ani', phone: '12' } });
    expect(badPhone.body).toMatchObject({ code: 'validation', details: { issues: [{ field: 'reporter.phone', problem: 'phone' }] } });
    expect((await intake(dpupr, body)).status).toBe(403);
  });
});
