import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { errorText } from '../errors.js';
import { label, say, when } from '../i18n.js';
import { DpoCloseRequest } from './DpoCloseRequest.js';
import { type DataRequest, personHash } from './dpo-api.js';
import { DPO_TEXTS as T } from './dpo-texts.js';

/** UU PDP 27/2022 gives the controller 3×24 hours to act on a data subject's request: the DPO sees when it falls due. */
const ANSWER_WITHIN_MS = 72 * 3_600_000;

/** One citizen's request: reference and kind, channel, account, when; closed ones with their outcome and note. */
export function RequestItem({ request, showPerson, onClosed }: { request: DataRequest; showPerson: boolean; onClosed: (message: string, ok: boolean) => void }) {
  const showLink = showPerson && request.personKey !== '';
  return (
    <li class="dpo-request" data-reference={request.reference}>
      <p class="dpo-request-head"><b>{request.reference}</b> <span class={`dpo-kind k-${request.kind}`}>{say(T[`kind_${request.kind}`])}</span></p>
      <dl class="pairs">
        <dt>{say(T.channel)}</dt><dd>{label(request.channel)}</dd>
        <dt>{say(T.account)}</dt><dd>{request.channelUserId ? <code>{request.channelUserId}</code> : say(T.accountErased)}</dd>
        <dt>{say(T.received)}</dt><dd>{when(request.createdAt)}</dd>
        {request.status === 'open' && <Due createdAt={request.createdAt} />}
        {request.status === 'closed' && request.outcome && <><dt>{say(T.outcome)}</dt><dd>{say(T[`outcome_${request.outcome}`])}{request.closedAt ? ` · ${when(request.closedAt)}` : ''}</dd></>}
        {request.note && <><dt>{say(T.note)}</dt><dd class="dpo-note">{request.note}</dd></>}
      </dl>
      {(showLink || request.status === 'open') && (
        <div class="buttons">
          {showLink && <a class="button-link" href={personHash(request.personKey)}>{say(T.openPerson)}</a>}
          {request.status === 'open' && <DpoCloseRequest request={request} onClosed={onClosed} />}
        </div>
      )}
    </li>
  );
}

function Due({ createdAt }: { createdAt: string }) {
  const due = new Date(new Date(createdAt).getTime() + ANSWER_WITHIN_MS);
  return <><dt>{say(T.dueBy)}</dt><dd>{when(due.toISOString())}{due.getTime() < Date.now() && <span class="badge overdue">{say(T.overdue)}</span>}</dd></>;
}

/** The DPO's queue: open requests oldest first, then the finished ones (newest first) folded away. */
export function DpoRequests() {
  const [open, setOpen] = useState<DataRequest[] | null>(null);
  const [closed, setClosed] = useState<DataRequest[] | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const load = () => {
    const fail = (e: unknown) => { setMessage({ ok: false, text: `${say(T.loadFailed)} ${errorText(e)}` }); };
    void api<{ requests: DataRequest[] }>('GET', '/api/privacy/requests?status=open').then((r) => { setOpen(r.requests); }, fail);
    void api<{ requests: DataRequest[] }>('GET', '/api/privacy/requests?status=closed').then((r) => { setClosed(r.requests); }, fail);
  };
  useEffect(load, []);
  const onClosed = (text: string, ok: boolean) => { setMessage({ ok, text }); load(); };
  return (
    <section class="card dpo-requests" aria-labelledby="dpo-requests-title" data-testid="dpo-requests">
      <h2 id="dpo-requests-title">{say(T.requests)}</h2>
      {message && <p class={message.ok ? 'success' : 'error'} role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
      {open && (open.length === 0 ? <p class="muted">{say(T.openNone)}</p> : (
        <>
          <p>{say(T.openCount, { n: open.length })}</p>
          <ul class="dpo-request-list">{open.map((r) => <RequestItem key={r.reference} request={r} showPerson onClosed={onClosed} />)}</ul>
        </>
      ))}
      {closed && (
        <details class="dpo-closed">
          <summary>{say(T.closedList)} ({closed.length})</summary>
          {closed.length === 0 ? <p class="muted">{say(T.closedNone)}</p>
            : <ul class="dpo-request-list">{closed.map((r) => <RequestItem key={r.reference} request={r} showPerson={false} onClosed={onClosed} />)}</ul>}
        </details>
      )}
    </section>
  );
}
