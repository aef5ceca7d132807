// `npm run pdp -- accessed` (issue 17 item 5): after operators read tickets in the
// inbox over real HTTP, the command as an administrator types it lists whose data
// one account read or revealed in the window, per person, and nobody else's.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
const ROOT = new URL('../../', import.meta.url).pathname;
let app: RunningApplication;
let road: string;
let rubbish: string;
let gone: string;

function pdp(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', 'pdp', '--', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', MONGODB_URI: `${db.uri.replace(/\/?$/, '/')}${db.name}` } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  app = await startInboxApp(db);
  const admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  road = (await app.tickets.create({ channel: 'whatsapp', reporter: { name: 'Dewi Lestari', phone: '+6281234567678', channelUserId: '6281234567678' }, category: 'jalan_rusak', description: 'Lubang di Jl. Melati' }, 'reporter')).number;
  await db.connection.collection('tickets').updateOne({ _id: road as never }, { $push: { followers: { channel: 'telegram', channelUserId: '5550001', name: 'Pak Joko', phone: '+6285711112222', at: new Date(), via: 'nearby' } } as never, $set: { followerCount: 1 } });
  rubbish = (await app.tickets.create({ channel: 'email', reporter: { name: 'Rina Wati', email: 'rina@warga.example', channelUserId: 'rina@warga.example' }, category: 'sampah', description: 'Sampah menumpuk' }, 'reporter')).number;
  // Someone else's ticket, read only by the admin.
  await app.tickets.create({ channel: 'telegram', reporter: { name: 'Siti Aminah', channelUserId: '7770001' }, category: 'jalan_rusak', description: 'Lampu jalan mati' }, 'reporter');

  // A ticket whose reporter's data the retention job has removed since it was read.
  gone = (await app.tickets.create({ channel: 'whatsapp', reporter: { name: 'Bu Tini', channelUserId: '6281300000001' }, category: 'jalan_rusak', description: 'Trotoar rusak' }, 'reporter')).number;
  const budi = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
  await budi.get(`/api/tickets/${gone}`);
  await db.connection.collection('tickets').updateOne({ _id: gone as never }, { $set: { reporter: {} } });
  await budi.get(`/api/tickets/${road}`);
  await budi.post(`/api/tickets/${road}/reveal`, { field: 'phone' });
  await budi.get(`/api/tickets/${road}`);
  await admin.get('/api/tickets/export.csv');
  await admin.get(`/api/tickets/${rubbish}`);
  // A supervisor looks a caller up by phone: the name is shown, the rest masked.
  const kabid = await OperatorSession.login(app.url, 'kabid', 'password-kabid-1');
  await kabid.get('/api/intake/caller?phone=081234567678');
});
afterAll(async () => { await app.stop(); });

describe('npm run pdp -- accessed', () => {
  it("lists, per person, whose data an account read or revealed, with contact, tickets, fields and first/last time; CSV for the letter", async () => {
    const table = await pdp(['accessed', '--operator', 'dpupr.budi', '--since', today()]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Nama\s+Kanal\s+Kontak\s+Tiket\s+Data yang terbaca\s+Pertama\s+Terakhir$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^Dewi Lestari\\s+whatsapp\\s+\\+6281234567678\\s+${road}\\s+name phone\\s+\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}`));
    expect(lines[2]).toMatch(new RegExp(`^Pak Joko\\s+telegram\\s+\\+6285711112222\\s+${road}\\s+name\\s`));
    expect(table.stdout).not.toContain('Rina');
    expect(table.stderr).toContain('2 orang');
    expect(table.stdout).not.toContain('Tini');
    expect(table.stderr).toContain(`Tiket tanpa data pribadi lagi (anonim, atau dihapus menurut retensi): ${gone}`);

    const csv = await pdp(['accessed', '--operator', 'admin', '--since', today(), '--format', 'csv']);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trimEnd().split('\r\n');
    expect(rows[0]).toBe('Nama,Kanal,Kontak,Tiket,Data yang terbaca,Pertama,Terakhir');
    // The export showed every reporter (not followers: a CSV row has none); the admin opened only Rina's ticket.
    expect(rows.map((r) => r.split(',')[0]).sort()).toEqual(['Dewi Lestari', 'Nama', 'Rina Wati', 'Siti Aminah']);
    expect(rows.find((r) => r.startsWith('Rina Wati'))).toContain(`email,rina@warga.example,${rubbish},name phone email address`);
  });

  it('counts a caller look-up as a read of the caller\'s data', async () => {
    const lookup = await pdp(['accessed', '--operator', 'kabid', '--since', today(), '--format', 'csv']);
    expect(lookup.stdout.trimEnd().split('\r\n').slice(1)).toEqual([expect.stringMatching(new RegExp(`^Dewi Lestari,whatsapp,'\\+6281234567678,${road},name,`))]);
  });

  it('lists nobody outside the window, and refuses a command without an operator or a date', async () => {
    const past = await pdp(['accessed', '--operator', 'dpupr.budi', '--since', '2026-01-01', '--until', '2026-01-31']);
    expect(past).toMatchObject({ code: 0, stdout: 'Nama  Kanal  Kontak  Tiket  Data yang terbaca  Pertama  Terakhir\n' });
    expect(past.stderr).toContain('0 orang');
    expect((await pdp(['accessed', '--since', today()])).code).toBe(2);
    expect((await pdp(['accessed', '--operator', 'dpupr.budi', '--since', 'kemarin'])).code).toBe(2);
    expect((await pdp(['accessed', '--operator', 'dpupr.budi', '--since', today(), '--format', 'pdf'])).code).toBe(2);
  });
});
