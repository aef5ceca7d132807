// The pure parts of the Open311 server: a ticket as a service request (status,
// notes, deadlines, rounding), categories as services, the XML writer and the
// form and query schemas.
import { describe, expect, it } from 'vitest';
import { loadTexts } from '../../src/conversation/texts.js';
import { LOCALES_DIR } from '../../src/conversation/setup.js';
import { newRequestForm, requestsQuery } from '../../src/open311/schemas.js';
import { expectedAt, OPEN311_STATUS, requestView, serviceViews, statusesOf } from '../../src/open311/view.js';
import { escapeXml, xmlDocument, xmlSingle } from '../../src/open311/xml.js';
import type { PublicTicket } from '../../src/storage/open311-store.js';
import { reporterConversation } from '../../src/tickets/reporter.js';
import { defaultConfig } from '../support/config.js';

const config = defaultConfig();
const texts = loadTexts(LOCALES_DIR);
const say = (key: string, vars?: Readonly<Record<string, string>>) => texts.t('id', key, vars);
const created = new Date('2026-12-01T02:00:00Z');

function ticket(overrides: Partial<PublicTicket> = {}): PublicTicket {
  return { number: 'ADU-2612-00007', status: 'open', category: 'sampah', agency: 'DLH', history: [{ at: created, action: 'create' }], createdAt: created, updatedAt: created, ...overrides } as PublicTicket;
}

describe('a ticket as a service request', () => {
  it('is open while the city works on it and closed once the work is validated or it left the city', () => {
    expect(statusesOf('open')).toEqual(['open', 'in_progress']);
    expect(statusesOf('closed')).toEqual(['resolved', 'closed', 'forwarded', 'rejected']);
    expect(Object.keys(OPEN311_STATUS)).toHaveLength(6);
  });

  it('explains each end in words from the locale, never an operator\'s note', () => {
    const dlh = 'Dinas Lingkungan Hidup';
    expect(requestView(ticket({ status: 'closed', closeReason: 'no_confirmation' }), config, 'id', say).status_notes).toBe(`Selesai: sudah ditindaklanjuti oleh ${config.agencies.find((a) => a.code === 'DLH')?.name ?? dlh}; pelapor tidak memberi jawaban.`);
    expect(requestView(ticket({ status: 'closed', closeReason: 'merged', mergedInto: 'ADU-2612-00003' }), config, 'id', say).status_notes).toBe('Digabung dengan laporan ADU-2612-00003 tentang masalah yang sama.');
    const forwarded = requestView(ticket({ status: 'forwarded', category: 'listrik', agency: undefined, forwardedTo: 'sp4n_lapor' }), config, 'en', (key, vars) => texts.t('en', key, vars));
    expect(forwarded).toMatchObject({ status: 'closed', agency_responsible: 'SP4N-LAPOR!', service_name: 'Electricity (PLN)', status_notes: "Outside the city's authority; forwarded to SP4N-LAPOR!." });
  });

  it('rounds the location to 3 decimals and dates to W3C seconds; the last life-cycle step is the update', () => {
    const view = requestView(ticket({ location: { latitude: -6.2004999, longitude: 106.81651 }, history: [{ at: created, action: 'create' }, { at: new Date('2026-12-01T05:06:07.890Z'), action: 'respond' }] as PublicTicket['history'], updatedAt: new Date('2026-12-09T00:00:00Z') }), config, 'id', say);
    expect(view).toMatchObject({ lat: -6.2, long: 106.817, requested_datetime: '2026-12-01T02:00:00Z', updated_datetime: '2026-12-01T05:06:07Z' });
    expect(Object.keys(view)).not.toContain('description');
    expect(Object.keys(view)).not.toContain('address');
  });

  it('expects the work by the follow-up deadline, counted in the SLA calendar', () => {
    const followUp = new Date('2026-12-04T02:00:00Z');
    expect(expectedAt({ deadline: { kind: 'followUp', start: created, at: followUp } }, config)).toEqual(followUp);
    expect(expectedAt({}, config)).toBeUndefined();
    // Clock time: first-response deadline + 3 days.
    const firstResponse = new Date('2026-12-02T02:00:00Z');
    expect(expectedAt({ deadline: { kind: 'firstResponse', start: created, at: firstResponse } }, config)).toEqual(new Date('2026-12-05T02:00:00Z'));
    // Working time: a first response due Friday 2026-12-04 09:00 WIB, then three working days → Wednesday 09:00 WIB.
    const working = { ...config, sla: { ...config.sla, calendar: { mode: 'working' as const, workingDays: [1, 2, 3, 4, 5], hours: { start: '08:00', end: '16:00' }, holidays: [] } } };
    expect(expectedAt({ deadline: { kind: 'firstResponse', start: created, at: new Date('2026-12-04T02:00:00Z') } }, working)).toEqual(new Date('2026-12-09T02:00:00Z'));
  });
});

describe('categories as services', () => {
  it('lists every category with its agency as the group, in the asked language', () => {
    const services = serviceViews(config, 'en', (key, vars) => texts.t('en', key, vars));
    expect(services).toHaveLength(config.categories.length);
    expect(services.find((s) => s.service_code === 'listrik')).toMatchObject({ service_name: 'Electricity (PLN)', group: 'SP4N-LAPOR!', description: "Outside the city's authority: forwarded to SP4N-LAPOR!.", metadata: false, type: 'realtime' });
  });
});

describe('the XML writer', () => {
  it('escapes text and drops characters XML cannot carry', () => {
    expect(escapeXml('a < b & "c" \'d\' > e\u0001')).toBe('a &lt; b &amp; &quot;c&quot; &apos;d&apos; &gt; e');
    expect(xmlDocument('service_requests', 'request', [{ service_request_id: 'ADU-1', lat: null, notes: '<script>' }])).toBe('<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request><service_request_id>ADU-1</service_request_id><lat/><notes>&lt;script&gt;</notes></request></service_requests>\n');
    expect(xmlSingle('discovery', { endpoints: { endpoint: [{ formats: { format: ['text/xml', 'application/json'] } }] } })).toContain('<endpoints><endpoint><formats><format>text/xml</format><format>application/json</format></formats></endpoint></endpoints>');
  });
});

describe('the schemas', () => {
  it('reads a form: numbers, both coordinates or none, an email in lower case, empty fields as absent', () => {
    expect(newRequestForm.parse({ service_code: 'sampah', lat: ' -6.2 ', long: '106.8', email: 'Warga@Contoh.ID', media_url: '', first_name: '' })).toEqual({ service_code: 'sampah', lat: -6.2, long: 106.8, email: 'warga@contoh.id' });
    expect(newRequestForm.safeParse({ service_code: 'sampah', lat: '-6.2' }).success).toBe(false);
    expect(newRequestForm.safeParse({ service_code: 'sampah', lat: '91', long: '0' }).success).toBe(false);
    expect(newRequestForm.safeParse({ service_code: 'sampah', media_url: 'file:///etc/passwd' }).success).toBe(false);
    expect(newRequestForm.safeParse({ service_code: 'sampah', description: 'x'.repeat(4_001) }).success).toBe(false);
  });

  it('reads a query: comma lists, W3C dates with their zone, open and closed only', () => {
    expect(requestsQuery.parse({ service_request_id: 'ADU-1, ADU-2,ADU-1', status: 'open,closed', start_date: '2026-11-01T00:00:00+07:00', end_date: '2026-11-30' })).toEqual({ service_request_id: ['ADU-1', 'ADU-2'], status: ['open', 'closed'], start_date: new Date('2026-10-31T17:00:00Z'), end_date: new Date('2026-11-30T00:00:00Z') });
    expect(requestsQuery.safeParse({ status: 'open,pending' }).success).toBe(false);
    expect(requestsQuery.safeParse({ start_date: '01/11/2026' }).success).toBe(false);
  });
});

describe("an Open311 reporter's conversation", () => {
  it('is their email when the intake set it (the email channel was on), else none', () => {
    expect(reporterConversation({ channel: 'open311', reporter: { email: 'a@contoh.id', channelUserId: 'a@contoh.id' } })).toEqual({ channel: 'email', channelUserId: 'a@contoh.id' });
    expect(reporterConversation({ channel: 'open311', reporter: { email: 'a@contoh.id' } })).toBeUndefined();
    expect(reporterConversation({ channel: 'email', reporter: { channelUserId: 'b@contoh.id' } })).toEqual({ channel: 'email', channelUserId: 'b@contoh.id' });
  });
});
