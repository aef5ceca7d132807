import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Meta } from '../api.js';
import { errorText } from '../errors.js';
import { label, localized, say, when } from '../i18n.js';
import { DpoCorrect } from './DpoCorrect.js';
import { DpoErase } from './DpoErase.js';
import { DpoExport } from './DpoExport.js';
import { RequestItem } from './DpoRequests.js';
import { forgetSearch, PersonSummary } from './DpoSearch.js';
import { type Erased, type PersonDetail, type PersonTicket, personHash, personPath } from './dpo-api.js';
import { DPO_TEXTS as T } from './dpo-texts.js';

function TicketRows({ tickets, meta }: { tickets: readonly PersonTicket[]; meta: Meta }) {
  const category = (code: string) => { const c = meta.categories.find((x) => x.code === code); return c ? localized(c.name) : code; };
  // On a phone each row is a card; the labels in `.cell-label` say what each value is there.
  const cell = (text: string) => <span class="cell-label">{text}: </span>;
  return (
    <table class="tickets dpo-tickets">
      <thead><tr><th>{say(T.number)}</th><th>{say(T.role)}</th><th>{say(T.status)}</th><th>{say(T.category)}</th><th>{say(T.date)}</th></tr></thead>
      <tbody>
        {tickets.map((ticket) => (
          <tr key={ticket.number}>
            <td class="num"><a href={`#/t/${ticket.number}`}>{ticket.number}</a>{ticket.anonymisedAt && <span class="dpo-tag" title={when(ticket.anonymisedAt)}>{say(T.anonymised)}</span>}</td>
            <td>{cell(say(T.role))}{say(T[`role_${ticket.role}`])}</td>
            <td><span class={`status s-${ticket.status}`}>{label(ticket.status)}</span></td>
            <td>{cell(say(T.category))}{category(ticket.category)}</td>
            <td class="when">{cell(say(T.date))}{when(ticket.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One person: who they are, their tickets, what is stored, their requests, and the DPO's three actions. */
export function DpoPerson({ personKey, meta }: { personKey: string; meta: Meta }) {
  const [detail, setDetail] = useState<PersonDetail | null>(null);
  const [gone, setGone] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const load = () => {
    void api<PersonDetail>('GET', personPath(personKey)).then((d) => { setDetail(d); setGone(false); }, (e: unknown) => {
      if (e instanceof ApiError && e.code === 'person_not_found') { setDetail(null); setGone(true); } else setMessage({ ok: false, text: `${say(T.loadFailed)} ${errorText(e)}` });
    });
  };
  // The view stays while another key loads: a correction that follows the new phone keeps its forms and message.
  useEffect(() => { setMessage(null); load(); }, [personKey]);
  const onErased = (erased: Erased) => {
    forgetSearch();
    const nothing = erased.tickets + erased.messages + erased.photos + erased.conversations === 0;
    const late = erased.undelivered ? ` ${say(T.undelivered, { n: erased.undelivered })}` : '';
    setMessage({ ok: true, text: `${nothing ? say(T.erasedNothing) : say(T.erased, { ...erased })}${late}` });
    load();
  };
  const onClosed = (text: string, ok: boolean) => { setMessage({ ok, text }); load(); };
  // A corrected phone or email that named this page names the person no more: follow it to the new value (the
  // server normalises the key's phone as it does a search).
  const onCorrected = (changed: Readonly<Record<string, string>>) => {
    forgetSearch();
    const kind = personKey.slice(0, personKey.indexOf(':'));
    const value = kind === 'phone' ? changed.phone?.replace(/[\s().-]/g, '') : kind === 'email' ? changed.email?.toLowerCase() : undefined;
    if (value) location.replace(personHash(`${kind}:${value}`));
    else load();
  };

  const person = detail?.person;
  return (
    <section class="dpo dpo-person">
      <p><a href="#/data-pribadi">{say(T.back)}</a></p>
      <h1>{person ? (person.name ?? say(T.noName)) : say(T.title)}</h1>
      {message && <p class={message.ok ? 'success' : 'error'} role={message.ok ? 'status' : 'alert'} data-testid="dpo-message">{message.text}</p>}
      {gone && <p class="card" data-testid="dpo-gone">{say(T.notFound)}</p>}
      {detail && person && (
        <>
          <div class="dpo-grid">
            <section class="card" aria-labelledby="dpo-identity-title">
              <h2 id="dpo-identity-title">{say(T.identity)}</h2>
              <PersonSummary person={person} />
            </section>
            <section class="card" aria-labelledby="dpo-stored-title">
              <h2 id="dpo-stored-title">{say(T.stored)}</h2>
              <ul class="dpo-counts">
                <li><b>{detail.tickets.length}</b> {say(T.tickets).toLowerCase()}</li>
                <li><b>{detail.counts.messages}</b> {say(T.messages)}</li>
                <li><b>{detail.counts.photos}</b> {say(T.photos)}</li>
                <li><b>{detail.counts.audit}</b> {say(T.audit)}</li>
              </ul>
            </section>
          </div>
          <section class="card" aria-labelledby="dpo-tickets-title">
            <h2 id="dpo-tickets-title">{say(T.tickets)}</h2>
            {detail.tickets.length === 0 ? <p class="muted">{say(T.noTickets)}</p> : <TicketRows tickets={detail.tickets} meta={meta} />}
          </section>
          <section class="card" aria-labelledby="dpo-their-requests-title">
            <h2 id="dpo-their-requests-title">{say(T.theirRequests)}</h2>
            {detail.requests.length === 0 ? <p class="muted">{say(T.theirRequestsNone)}</p>
              : <ul class="dpo-request-list">{detail.requests.map((r) => <RequestItem key={r.reference} request={r} showPerson={false} onClosed={onClosed} />)}</ul>}
          </section>
          <div class="dpo-grid dpo-actions">
            <DpoExport personKey={person.key} />
            <DpoCorrect person={person} onDone={onCorrected} />
            <DpoErase key={person.key} person={person} requests={detail.requests} onErased={onErased} />
          </div>
        </>
      )}
    </section>
  );
}
