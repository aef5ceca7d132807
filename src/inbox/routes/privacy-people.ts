// The data protection officer's work on one person (UU PDP 27/2022 art. 6–8, issue 17 item 2): find them by phone,
// email or account, see what is stored, export it as a .zip, correct their identity, erase them. Only the `dpo` role
// (`personalData`). Every step is audited under a hash of the person's key: the trail says that and what was done,
// never to whose phone number (it would outlive the erasure).
import { z } from 'zod';
import { profileCorrected } from '../../conversation/handlers/data-request-notices.js';
import type { Texts } from '../../conversation/texts.js';
import { normalisePhone } from '../../conversation/phone.js';
import { exportArchive, type ExportPhoto } from '../../privacy/export-archive.js';
import { formatPersonKey, parsePersonKey, queriesFromText, safeKey } from '../../privacy/person-key.js';
import { type PersonErasure, personRef } from '../../storage/person-erasure.js';
import { accountKey, found, type PersonDataStore, type ResolvedPerson } from '../../storage/person-data-store.js';
import type { PrivacyRequestStore } from '../../storage/privacy-request-store.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import type { InboxApp, InboxContext } from '../context.js';
import { invalid, refuse } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { exportedAudit, exportedConversations, exportedMessages, exportedTickets, personView, photosToExport, requestView, ticketRows } from '../privacy-views.js';
import { closeAndTell } from './privacy-requests.js';

export interface PrivacyDeps {
  readonly people: PersonDataStore;
  readonly erasure: PersonErasure;
  readonly requests: PrivacyRequestStore;
  readonly texts: Texts;
}

const SEARCH_LIMIT = 20;
/** How long an erasure waits for its goodbye to leave (the account it is sent to is erased next). */
const DELIVERY_WAIT_MS = 15_000;
const POLL_MS = 200;
const AUDIT_LIMIT = 5_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const keyParams = z.strictObject({ key: z.string().min(3).max(200) });
const searchQuery = z.strictObject({ q: z.string().max(200).default('') });
const correctBody = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  phone: z.string().trim().min(1).max(40).optional(),
  email: z.string().trim().min(1).max(200).optional(),
  address: z.string().trim().min(1).max(300).optional(),
  note: z.string().trim().min(1).max(1_000),
});
const eraseBody = z.strictObject({
  photos: z.enum(['remove', 'keep']),
  note: z.string().trim().min(1).max(1_000),
  request: z.string().trim().min(1).max(40).optional(),
});

/** What kind of value was searched for, for the audit (the value itself is personal). */
const kindOf = (q: string): string => (EMAIL.test(q.trim()) ? 'email' : normalisePhone(q) ? 'phone' : 'account');

/** Waits until these outbox messages left (sent, or failed for good), at most a while; how many still wait. */
async function waitForDelivery(people: PersonDataStore, ids: readonly string[]): Promise<number> {
  const giveUp = Date.now() + DELIVERY_WAIT_MS;
  for (;;) {
    const waiting = ids.length === 0 ? 0 : await people.outboundWaiting(ids);
    if (waiting === 0 || Date.now() >= giveUp) return waiting;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function privacyPeopleRoutes(app: InboxApp, ctx: InboxContext, deps: PrivacyDeps): void {
  const guard = requireOperator(ctx.authenticator, 'personalData');
  const audit = (actor: string, action: string, detail: Record<string, unknown>, ip: string) => ctx.audit.record({ at: ctx.clock(), actor: `operator:${actor}`, action, detail, ip });
  const resolveKey = async (key: string): Promise<ResolvedPerson | null> => {
    const query = parsePersonKey(key);
    if (!query) return null;
    const person = await deps.people.resolve(query);
    return found(person) ? person : null;
  };

  app.get('/api/privacy/people', { schema: { tags: ['privacy'], summary: 'Find a person by phone (any usual spelling), email or channel account; at most 20', querystring: searchQuery }, preHandler: guard }, async (request, reply) => {
    const operator = operatorOf(request);
    const queries = queriesFromText(request.query.q);
    if (queries.length === 0) return refuse(reply, 'query_invalid');
    const people: ResolvedPerson[] = [];
    for (const query of queries) {
      const person = await deps.people.resolve(query);
      if (!found(person)) continue;
      // The same person found by two readings of the text (a number that is a phone and a WhatsApp account): once.
      const keys = new Set(person.match.identities.map(accountKey));
      if (people.some((p) => p.match.identities.some((i) => keys.has(accountKey(i))))) continue;
      people.push(person);
      if (people.length >= SEARCH_LIMIT) break;
    }
    await audit(operator.username, 'privacy_search', { kind: kindOf(request.query.q), found: people.length }, request.ip);
    return reply.header('cache-control', 'no-store').send({ people: people.map(personView) });
  });

  app.get('/api/privacy/people/:key', { schema: { tags: ['privacy'], summary: 'What is stored about one person: their tickets, requests and counts', params: keyParams }, preHandler: guard }, async (request, reply) => {
    const person = await resolveKey(request.params.key);
    if (!person) return refuse(reply, 'person_not_found');
    // The tickets they reported, by number: `npm run pdp -- accessed` names whose data the account saw (accessed.ts).
    await audit(operatorOf(request).username, 'privacy_view', { person: personRef(person.key), tickets: person.reported.map((t) => t.number) }, request.ip);
    return reply.header('cache-control', 'no-store').send({ person: personView(person), tickets: ticketRows(person), requests: person.requests.map(requestView), counts: await deps.people.counts(person) });
  });

  app.get('/api/privacy/people/:key/export', { schema: { tags: ['privacy'], summary: 'Everything stored about one person as a .zip of JSON files and their photos', params: keyParams }, preHandler: guard }, async (request, reply) => {
    const person = await resolveKey(request.params.key);
    if (!person) return refuse(reply, 'person_not_found');
    const now = ctx.clock();
    const messages = await deps.people.messages(person);
    const photos: ExportPhoto[] = [];
    for (const photo of photosToExport(person, messages)) {
      const stored = await ctx.attachments.read(photo.fileId);
      if (stored) photos.push({ ...photo, bytes: stored.bytes });
    }
    const zip = exportArchive({
      readme: [deps.texts.t('id', 'data_export.readme'), deps.texts.t('en', 'data_export.readme')],
      person: personView(person),
      tickets: exportedTickets(person),
      messages: exportedMessages(messages),
      conversations: exportedConversations(person),
      dataRequests: person.requests.map(requestView),
      audit: exportedAudit(await deps.people.audit(person, AUDIT_LIMIT)),
      photos,
      at: now,
    });
    await audit(operatorOf(request).username, 'privacy_export', { person: personRef(person.key), tickets: person.reported.map((t) => t.number), messages: messages.length, photos: photos.length }, request.ip);
    const day = now.toISOString().slice(0, 10).replaceAll('-', '');
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="data-pribadi-${safeKey(person.key)}-${day}.zip"`)
      .type('application/zip')
      .send(Buffer.from(zip));
  });

  app.post('/api/privacy/people/:key/correct', { schema: { tags: ['privacy'], summary: "Correct a person's name, phone, email or address on every ticket they reported (history entry each)", params: keyParams, body: correctBody }, preHandler: [guard, idempotent(ctx.idempotency)] }, async (request, reply) => {
    const { note, ...given } = request.body;
    const phone = given.phone === undefined ? undefined : normalisePhone(given.phone);
    if (given.phone !== undefined && phone === undefined) return invalid(reply, [{ field: 'phone', problem: 'phone' }]);
    if (given.email !== undefined && !EMAIL.test(given.email)) return invalid(reply, [{ field: 'email', problem: 'email' }]);
    const fields = { ...given, ...(phone ? { phone } : {}), ...(given.email ? { email: given.email.toLowerCase() } : {}) };
    if (Object.keys(fields).length === 0) return invalid(reply, [{ field: 'name', problem: 'required' }]);
    const person = await resolveKey(request.params.key);
    if (!person) return refuse(reply, 'person_not_found');
    const operator = operatorOf(request);
    const tickets = await deps.erasure.correct(person, fields, note, `operator:${operator.username}`, ctx.clock());
    // The answers their next report would reuse (the conversation's profile) are corrected through the conversation.
    const { name, address } = fields;
    const profile = { ...(name ? { name } : {}), ...(phone ? { phone } : {}), ...(address ? { address } : {}) };
    if (Object.keys(profile).length > 0) for (const c of person.conversations) await ctx.router.notify({ channel: c.channel, channelUserId: c.channelUserId }, profileCorrected(profile));
    await audit(operator.username, 'privacy_correct', { person: personRef(person.key), fields: Object.keys(fields), tickets }, request.ip);
    for (const t of person.reported) ctx.events.publish({ type: 'ticket', number: t.number, status: t.status, ...(t.agency ? { agency: t.agency } : {}), action: 'reporter_correct' });
    // The key the person is found by from now on (a corrected phone or email was the key).
    const query = parsePersonKey(person.key);
    const key = query?.kind === 'phone' && phone ? formatPersonKey({ kind: 'phone', phone }) : query?.kind === 'email' && fields.email ? formatPersonKey({ kind: 'email', email: fields.email }) : person.key;
    return { tickets, key };
  });

  // Not behind an Idempotency-Key: erasing is idempotent itself (a repeat finds nothing and answers zeros), and a
  // stored answer would keep the person's key (the request's path) after them.
  app.post('/api/privacy/people/:key/erase', { schema: { tags: ['privacy'], summary: 'Erase a person: personal fields blanked on their tickets (kept for statistics), messages, conversations and merges deleted, photos removed or kept', params: keyParams, body: eraseBody }, preHandler: guard }, async (request, reply) => {
    const operator = operatorOf(request);
    const actor = `operator:${operator.username}`;
    const query = parsePersonKey(request.params.key);
    if (!query) return refuse(reply, 'person_not_found');
    const { photos, note, request: reference } = request.body;
    const named = reference === undefined ? null : await deps.requests.byReference(reference);
    if (reference !== undefined && !named) return refuse(reply, 'request_not_found');
    const person = await deps.people.resolve(query);
    // Their open requests are answered by this erasure: each is told BEFORE the data goes (its account goes with it).
    const toTell = [...person.requests.filter((r) => r.status === 'open' || r._id === named?._id), ...(named && !person.requests.some((r) => r._id === named._id) ? [named] : [])];
    const sent: string[] = [];
    for (const r of toTell) sent.push(...await closeAndTell(ctx, deps.requests, r, 'erased', note, actor, photos === 'keep'));
    const undelivered = await waitForDelivery(deps.people, sent);
    const counts = found(person) || toTell.length > 0 ? await deps.erasure.erase(await deps.people.resolve(query), photos, actor, ctx.clock()) : { tickets: 0, messages: 0, photos: 0, conversations: 0 };
    // The reason stays with the entry (the README asks the DPO to write no name or number in it).
    await audit(operator.username, 'privacy_erase', { person: personRef(person.key), decision: photos, reason: note, ...counts, ...(toTell.length > 0 ? { requests: toTell.map((r) => r.reference) } : {}) }, request.ip);
    for (const t of person.reported) ctx.events.publish({ type: 'ticket', number: t.number, status: t.status, ...(t.agency ? { agency: t.agency } : {}), action: 'anonymise' });
    return { ...counts, undelivered };
  });
}
