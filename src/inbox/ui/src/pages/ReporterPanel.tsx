import { useEffect, useState } from 'preact/hooks';
import { api, type Me, type Meta, type TicketDetail } from '../api.js';
import { errorText } from '../errors.js';
import { label, localized, say, when } from '../i18n.js';
import { Confirm, type Confirmation } from './Confirm.js';
import { REPORTER_TEXTS as T } from './reporter-texts.js';
import './reporter.css';

interface Identity { channel: string; channelUserId: string }
interface Panel {
  person: string | null;
  identities: (Identity & { own: boolean })[];
  phones: string[];
  emails: string[];
  tickets: { number: string; status: string; category: string; agency: string | null; channel: string; createdAt: string }[];
  more: boolean;
  suggestions: (Identity & { reason: 'phone' | 'email'; tickets: number })[];
  canMerge: boolean;
}

const named = (i: Identity) => `${label(i.channel)} ${i.channelUserId}`;

/** The person behind the ticket: their other tickets (the server scopes them by role), channels, and identities sharing a phone or email that a central operator may merge. */
export function ReporterPanel({ ticket, me, meta }: { ticket: TicketDetail; me: Me; meta: Meta }) {
  const [panel, setPanel] = useState<Panel | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [ask, setAsk] = useState<Confirmation | null>(null);
  useEffect(() => {
    setPanel(null);
    setNotice('');
    api<Panel>('GET', `/api/tickets/${ticket.number}/reporter`).then((p) => { setPanel(p); setError(''); }, (e: unknown) => { setError(errorText(e)); });
  }, [ticket.number]);
  if (!panel) return error ? <section class="card reporter-panel"><p class="error" role="alert">{error}</p></section> : null;

  const change = (kind: 'merge' | 'split', identity: Identity) => {
    setBusy(true);
    api<Panel>('POST', `/api/tickets/${ticket.number}/reporter/${kind}`, { channel: identity.channel, channelUserId: identity.channelUserId }, { idempotencyKey: crypto.randomUUID() })
      .then((p) => { setPanel(p); setError(''); setNotice(say(kind === 'merge' ? T.merged : T.separated, { identity: named(identity) })); }, (e: unknown) => { setError(errorText(e)); })
      .finally(() => { setBusy(false); });
  };
  const category = (code: string) => { const c = meta.categories.find((x) => x.code === code); return c ? localized(c.name) : code; };
  const mayChange = panel.canMerge && me.operator.permissions.includes('assign');

  return (
    <section class="card reporter-panel" aria-labelledby="reporter-panel-title">
      <h2 id="reporter-panel-title">{say(T.title)}</h2>
      <h3>{say(T.channels)}</h3>
      <ul class="identities">
        {panel.identities.map((i) => (
          <li>
            <span class="identity">{named(i)}</span>{i.own && <span class="muted"> ({say(T.thisTicket)})</span>}
            {!i.own && mayChange && <button type="button" class="secondary small" disabled={busy} onClick={() => { setAsk({ text: say(T.confirmSplit, { identity: named(i) }), confirm: say(T.split), run: () => { change('split', i); } }); }}>{say(T.split)}</button>}
          </li>
        ))}
        {panel.phones.map((p) => <li><span class="identity">{label('phone')} {p}</span></li>)}
        {panel.emails.map((e) => <li><span class="identity">{label('email')} {e}</span></li>)}
      </ul>
      {panel.suggestions.length > 0 && (
        <div class="suggestions">
          <h3>{say(T.maybe)}</h3>
          <ul>
            {panel.suggestions.map((s) => (
              <li>
                <span class="identity">{named(s)}</span> <span class="muted">({say(s.reason === 'phone' ? T.samePhone : T.sameEmail)}, {say(T.ticketCount, { n: s.tickets })})</span>
                {mayChange && <button type="button" class="small" disabled={busy} onClick={() => { setAsk({ text: say(T.confirmMerge, { identity: named(s) }), confirm: say(T.merge), run: () => { change('merge', s); } }); }}>{say(T.merge)}</button>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {notice && <p class="notice" role="status">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      <h3>{say(T.otherTickets)}</h3>
      {panel.tickets.length === 0 ? <p class="muted">{say(T.none)}</p> : (
        <ul class="other-tickets">
          {panel.tickets.map((o) => (
            <li>
              <a href={`#/t/${o.number}`}>{o.number}</a> <span class={`status s-${o.status}`}>{label(o.status)}</span>
              <span class="other-meta">{category(o.category)} · {label(o.channel)} · {when(o.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
      {panel.more && <p class="muted">{say(T.more)}</p>}
      <Confirm ask={ask} onClose={() => { setAsk(null); }} />
    </section>
  );
}
