import { useEffect, useState } from 'preact/hooks';
import { api, type Me, type TicketDetail } from '../api.js';
import { say, t } from '../i18n.js';
import { actorName } from '../words.js';
import { Confirm, type Confirmation } from './Confirm.js';

interface Candidate { username: string; name: string; role: 'admin' | 'agency' | 'supervisor'; agency?: string }

const TAKE_OVER: readonly [string, string] = ['Ambil alih tiket {number} dari {owner}?', 'Take ticket {number} over from {owner}?'];

/** Who works the ticket, "Ambil", and handing it to a colleague of the same agency (the server checks who may own it). */
export function OwnerPanel({ ticket, me, busy, send }: { ticket: TicketDetail; me: Me; busy: boolean; send: (name: string, path: string, body: unknown) => Promise<boolean> }) {
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const [to, setTo] = useState('');
  const [ask, setAsk] = useState<Confirmation | null>(null);
  const mayOwn = me.operator.permissions.includes('own');
  useEffect(() => {
    if (mayOwn) void api<{ candidates: Candidate[] }>('GET', `/api/tickets/${ticket.number}/owners`).then((r) => { setCandidates(r.candidates); }, () => { setCandidates([]); });
  }, [ticket.number, ticket.agency, mayOwn]);

  const mine = ticket.owner === me.operator.username;
  const ownerName = ticket.owner ? actorName(`operator:${ticket.owner}`, ticket.people) : t('nobody');
  const path = (tail: string) => `/api/tickets/${ticket.number}/${tail}`;
  const canTake = mayOwn && !mine && candidates.some((c) => c.username === me.operator.username);
  const take = () => { void send('take', path('take'), { expectedOwner: ticket.owner }); };
  const others = candidates.filter((c) => c.username !== ticket.owner && c.username !== me.operator.username);

  return (
    <section class="card owner">
      <p><strong>{t('owner')}:</strong> <span class="owner-name">{ownerName}</span></p>
      {mayOwn && (
        <div class="buttons">
          {canTake && <button type="button" disabled={busy} onClick={() => { if (ticket.owner) setAsk({ text: say(TAKE_OVER, { number: ticket.number, owner: ownerName }), confirm: t('takeOver'), run: take }); else take(); }}>{ticket.owner ? t('takeOver') : t('take')}</button>}
          {mine && <button type="button" class="secondary" disabled={busy} onClick={() => { void send('release', path('owner'), { owner: null, expectedOwner: ticket.owner }); }}>{t('release')}</button>}
          {others.length > 0 && (
            <span class="hand-over">
              <select aria-label={t('handTo')} value={to} onChange={(e) => { setTo(e.currentTarget.value); }}>
                <option value="">{t('handTo')}</option>
                {others.map((c) => <option value={c.username}>{c.name}</option>)}
              </select>
              <button type="button" class="secondary" disabled={!to || busy} onClick={() => { void send('owner', path('owner'), { owner: to, expectedOwner: ticket.owner }).then((ok) => { if (ok) setTo(''); }); }}>{t('handOver')}</button>
            </span>
          )}
        </div>
      )}
      <Confirm ask={ask} onClose={() => { setAsk(null); }} />
    </section>
  );
}
