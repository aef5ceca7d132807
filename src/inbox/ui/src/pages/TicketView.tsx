import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Me, type Meta, type Photo, type TicketDetail } from '../api.js';
import { errorText } from '../errors.js';
import { label, localized, say, t, when } from '../i18n.js';
import { DeadlineBadge, deadlineTitle } from '../deadline.js';
import { useActionKeys } from '../keys.js';
import { actorName, agencyName, historyLine } from '../words.js';
import { OwnerPanel } from './OwnerPanel.js';
import { usePresence } from './Presence.js';
import { MacroPanel } from './MacroPanel.js';
import { ReporterPanel } from './ReporterPanel.js';
import { RatingLine } from './Satisfaction.js';
import { PublicPhotos } from './PublicPhotos.js';
import { FollowersPanel } from './FollowersPanel.js';
import { FOLLOWER_TEXTS } from './followers-texts.js';
import { TicketActions } from './TicketActions.js';
import type { LiveEvent } from '../main.js';
import { MapPin } from './MapPin.js';
import { Personal } from './Personal.js';
import { PRIVACY_TEXTS } from './privacy-texts.js';
import { AnonymisePanel, redacted } from './Anonymise.js';

function Photos({ photos }: { photos: Photo[] }) {
  return <div class="photos">{photos.map((p) => <a href={p.url} target="_blank" rel="noopener"><img src={p.url} alt={t('photos')} loading="lazy" /></a>)}</div>;
}

export function TicketView({ number, me, meta, live }: { number: string; me: Me; meta: Meta; live: LiveEvent }) {
  const [ticket, setTicket] = useState<TicketDetail | null>(null);
  const [error, setError] = useState('');
  const [reply, setReply] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const keys = useActionKeys();
  const presence = usePresence(number, me);
  const thread = useRef<HTMLOListElement>(null);
  const named = (code: string) => agencyName(meta, code);
  const load = () => { void api<TicketDetail>('GET', `/api/tickets/${number}`).then(setTicket, (e: unknown) => { setError(errorText(e, named)); }); };
  useEffect(load, [number]);
  useEffect(() => { if (live.number === number) load(); }, [live.seq]);
  // Replies waiting for the channel: look again until each is sent or failed.
  useEffect(() => {
    if (!ticket?.thread.some((m) => m.delivery === 'queued')) return;
    const timer = setTimeout(load, 3_000);
    return () => { clearTimeout(timer); };
  }, [ticket]);

  // The newest message in view, as in any chat.
  useEffect(() => { thread.current?.scrollTo({ top: thread.current.scrollHeight }); }, [ticket?.thread.length]);

  if (!ticket) return <p class="error">{error}</p>;
  const can = (permission: string) => me.operator.permissions.includes(permission);
  /** One action: sent with its Idempotency-Key, the buttons off while it is on its way; true when the server accepted it. */
  const send = async (name: string, path: string, body: unknown): Promise<boolean> => {
    setError('');
    setBusy(true);
    try {
      const updated = await keys.run(name, (key) => api('POST', path, body, { idempotencyKey: key }));
      if (updated && typeof updated === 'object' && 'number' in updated) setTicket(updated as TicketDetail);
      else load();
      return true;
    } catch (e) {
      setError(errorText(e, named));
      // A stale screen is the usual cause: show what changed, so the operator decides again.
      if (e instanceof ApiError && (e.code === 'stale_version' || e.code === 'owned_by_other')) load();
      return false;
    } finally {
      setBusy(false);
    }
  };
  const category = meta.categories.find((c) => c.code === ticket.category);
  const loc = ticket.location;

  return (
    <article class="ticket">
      <a href="#/">{t('back')}</a>
      <h1>{ticket.number} <span class={`status s-${ticket.status}`}>{label(ticket.status)}</span>{ticket.overdue && <span class="badge overdue">{t('overdue')}</span>}</h1>
      {ticket.deadline && <p class="deadline-line">{deadlineTitle(ticket.deadline)} · <DeadlineBadge deadline={ticket.deadline} /></p>}
      <p class="meta">{category ? localized(category.name) : ticket.category} · {ticket.agency ? named(ticket.agency) : ticket.forwardedTo ? (meta.forwarding.find((f) => f.code === ticket.forwardedTo)?.name ?? ticket.forwardedTo) : '—'} · {label(ticket.channel)} · {when(ticket.createdAt)}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {/* Who works it comes first: the operator decides from it whether to take the ticket at all. */}
      <OwnerPanel ticket={ticket} me={me} busy={busy} send={send} />
      {presence.notice}
      <div class="columns">
        <div>
          <section class="card">
            <h2>{t('reporter')}</h2>
            <p>{ticket.reporter.name ?? '—'}{ticket.reporter.phone && <> · <Personal number={ticket.number} field="phone" value={ticket.reporter.phone} masked={ticket.personalMasked} /></>}{ticket.reporter.email && <> · <Personal number={ticket.number} field="email" value={ticket.reporter.email} masked={ticket.personalMasked} /></>}</p>
            {ticket.reporter.address && <p><Personal number={ticket.number} field="address" value={ticket.reporter.address} masked={ticket.personalMasked} /></p>}
            {ticket.personalMasked && (ticket.reporter.phone ?? ticket.reporter.email ?? ticket.reporter.address) !== undefined && <p class="masked-note">{say(PRIVACY_TEXTS.audited)}</p>}
            <p class="description">{redacted(ticket.description)}</p>
            <Photos photos={ticket.photos} />
            <AnonymisePanel ticket={ticket} me={me} busy={busy} send={send} />
          </section>
          {/* Read again once the personal data is removed (it holds the reporter's channels and phones). */}
          <ReporterPanel key={ticket.anonymisedAt ?? ''} ticket={ticket} me={me} meta={meta} />
          <FollowersPanel ticket={ticket} me={me} onChange={setTicket} />
          <section class="card">
            <h2>{t('location')}</h2>
            {loc ? (
              <>
                {loc.latitude !== undefined && loc.longitude !== undefined && <p class="coords">{loc.latitude.toFixed(6)}, {loc.longitude.toFixed(6)}</p>}
                {loc.address && <p>{loc.address}</p>}
                {loc.latitude !== undefined && loc.longitude !== undefined && <MapPin latitude={loc.latitude} longitude={loc.longitude} />}
              </>
            ) : <p>{t('noLocation')}</p>}
          </section>
          {ticket.result && (
            <section class="card">
              <h2>{t('result')}</h2>
              <p class="muted">{actorName(ticket.result.by, ticket.people)} · {when(ticket.result.at)}</p>
              <p>{ticket.result.text}</p>
              <Photos photos={ticket.result.photos} />
              {ticket.satisfaction && <RatingLine satisfaction={ticket.satisfaction} />}
            </section>
          )}
          <PublicPhotos number={ticket.number} me={me} photoCount={ticket.photos.length + (ticket.result?.photos.length ?? 0)} />
          <section class="card">
            <h2>{t('history')}</h2>
            <ol class="history">{ticket.history.map((h) => {
              const line = historyLine(h, ticket.people, meta, ticket.forwardedTo);
              return <li><span class="when">{when(h.at)}</span> {line.text}{line.note && <q class="note">{redacted(line.note)}</q>}</li>;
            })}</ol>
          </section>
        </div>
        <div>
          <section class="card">
            <h2>{t('conversation')}</h2>
            <ol class="thread" ref={thread} tabIndex={0} aria-label={t('conversation')}>
              {ticket.thread.map((m) => (
                <li class={`msg msg--${m.direction}${m.author.startsWith('operator:') ? ' msg--operator' : ''}`} key={m.id}>
                  <span class="who">{m.author.startsWith('agency:') && !m.author.includes('/') ? named(m.author.slice('agency:'.length)) : m.direction === 'in' ? (m.follower ? say(FOLLOWER_TEXTS.inThread, { name: m.follower }) : t('reporter')) : m.author === 'bot' ? t('bot') : actorName(m.author, ticket.people)}{m.direction === 'out' && m.follower && ` → ${m.follower}`}</span>
                  {m.text && <p>{m.text}</p>}
                  {m.photos.length > 0 && <Photos photos={m.photos} />}
                  {m.voice && <audio class="voice" controls preload="none" src={m.voice.url} aria-label={t('voiceNote')} />}
                  {m.location && <p class="coords">📍 {m.location.latitude.toFixed(6)}, {m.location.longitude.toFixed(6)}{m.location.address ? ` — ${m.location.address}` : ''}</p>}
                  <span class={`delivery d-${m.delivery ?? ''}`} title={m.error}>{when(m.at)} · {label(m.delivery ?? '')}</span>
                </li>
              ))}
            </ol>
            {ticket.canReply ? (
              <form class="reply" onSubmit={(e) => { e.preventDefault(); void send('reply', `/api/tickets/${number}/replies`, { text: reply }).then((ok) => { if (ok) setReply(''); }); }}>
                <label>{t('reply')}
                  <select aria-label={t('canned')} onChange={(e) => {
                    const chosen = meta.canned.find((c) => c.id === e.currentTarget.value);
                    if (chosen) setReply(localized(chosen.text).replaceAll('{number}', ticket.number).replaceAll('{name}', ticket.reporter.name ?? ''));
                    e.currentTarget.value = '';
                  }}>
                    <option value="">{t('canned')}</option>
                    {meta.canned.map((c) => <option value={c.id}>{localized(c.title)}</option>)}
                  </select>
                  <textarea name="reply" rows={3} value={reply} onInput={(e) => { setReply(e.currentTarget.value); presence.typing(); }} required />
                </label>
                <button type="submit" disabled={busy}>{t('send')}</button>
              </form>
            ) : can('reply') && <p class="muted">{t('noReply')}</p>}
          </section>
          <MacroPanel ticket={ticket} onChange={setTicket} />
          {ticket.actions.length > 0 && <TicketActions ticket={ticket} me={me} meta={meta} busy={busy} send={send} onError={setError} />}
          <section class="card">
            <h2>{t('notes')}</h2>
            <ul class="notes">{ticket.notes.map((n) => <li><span class="when">{when(n.at)}</span> {actorName(n.author, ticket.people)}: {redacted(n.text)}</li>)}</ul>
            {can('note') && (
              <form onSubmit={(e) => { e.preventDefault(); void send('note', `/api/tickets/${number}/notes`, { text: note }).then((ok) => { if (ok) setNote(''); }); }}>
                <textarea rows={2} aria-label={t('addNote')} value={note} onInput={(e) => { setNote(e.currentTarget.value); }} required />
                <button type="submit" disabled={busy}>{t('addNote')}</button>
              </form>
            )}
          </section>
        </div>
      </div>
    </article>
  );
}
