import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type FollowerView, type Me, type TicketDetail } from '../api.js';
import { errorText } from '../errors.js';
import { label, say, when } from '../i18n.js';
import { useActionKeys } from '../keys.js';
import { Confirm, type Confirmation } from './Confirm.js';
import { FOLLOWER_TEXTS as T } from './followers-texts.js';
import { MergeCandidates } from './MergeCandidates.js';
import { Personal } from './Personal.js';
import './followers.css';

const NUMBER = /^[A-Z]{2,6}-\d{4}-\d{5,}$/;
/** Statuses a ticket can be merged from (and into): before the agency's result. */
const MERGEABLE = new Set(['open', 'in_progress']);

interface MergeAnswer { ticket: TicketDetail; into: string; citizens: number; notified: number; unreachable: number }
interface SplitAnswer { ticket: TicketDetail; own: string; reopened: boolean; notified: boolean }

const nameOf = (f: FollowerView) => f.name ?? f.phone ?? f.email ?? label(f.channel);

/**
 * The citizens behind a ticket: how many reported it, its followers (who, on which channel, since when, how they
 * joined, what they said), "Pisahkan" to give one their own ticket again, and "Gabungkan ke tiket lain" to merge
 * this ticket into an earlier one about the same problem. Both ask first and act once per press.
 */
export function FollowersPanel({ ticket, me, onChange }: { ticket: TicketDetail; me: Me; onChange: (ticket: TicketDetail) => void }) {
  const [into, setInto] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [ask, setAsk] = useState<Confirmation | null>(null);
  const keys = useActionKeys();
  const mayMerge = me.operator.permissions.includes('merge');
  const target = into.trim().toUpperCase();
  // Another ticket (the link to the one merged into): what was said about this one is not about that one.
  useEffect(() => { setNotice(''); setError(''); setInto(''); }, [ticket.number]);

  /** One press: sent with its Idempotency-Key; the ticket as it is afterwards, and what to tell the operator. */
  const run = (action: string, send: (key: string) => Promise<{ ticket: TicketDetail; text: string }>) => {
    setBusy(true);
    setError('');
    setNotice('');
    keys.run(action, send)
      .then((done) => { onChange(done.ticket); setNotice(done.text); setInto(''); }, (e: unknown) => {
        setError(errorText(e));
        // The screen was out of date (changed meanwhile, or the follower split out by a colleague): show what is now.
        if (e instanceof ApiError && (e.code === 'stale_version' || e.code === 'follower_not_found')) api<TicketDetail>('GET', `/api/tickets/${ticket.number}`).then(onChange, () => undefined);
      })
      .finally(() => { setBusy(false); });
  };
  const merge = () => {
    run('merge', async (key) => {
      const a = await api<MergeAnswer>('POST', `/api/tickets/${ticket.number}/merge`, { into: target, expectedVersion: ticket.version }, { idempotencyKey: key });
      return { ticket: a.ticket, text: say(T.mergeDone, { into: a.into, n: a.citizens, told: a.notified }) + (a.unreachable > 0 ? say(T.mergeUnreachable, { n: a.unreachable }) : '') };
    });
  };
  const split = (f: FollowerView) => {
    run(`split:${f.key}`, async (key) => {
      const a = await api<SplitAnswer>('POST', `/api/tickets/${ticket.number}/followers/split`, { follower: f.key }, { idempotencyKey: key });
      return { ticket: a.ticket, text: say(T.splitDone, { name: nameOf(f), number: a.own }) + (a.notified ? say(T.toldByBot, { name: nameOf(f), channel: label(f.channel) }) : say(T.callThem, { name: nameOf(f) })) };
    });
  };
  const askSplit = (f: FollowerView) => {
    const what = f.fromTicket ? say(T.confirmSplitReopen, { name: nameOf(f), number: f.fromTicket }) : say(T.confirmSplitNew, { name: nameOf(f) });
    const tell = f.reachable ? say(T.toldByBot, { name: nameOf(f), channel: label(f.channel) }) : say(T.callThem, { name: nameOf(f) });
    setAsk({ text: what + tell, confirm: say(T.split), run: () => { split(f); } });
  };
  const askMerge = () => {
    const who = ticket.followers.length > 0 ? say(T.whoReporterAndFollowers, { n: ticket.followers.length }) : say(T.whoReporter);
    setAsk({ text: say(T.confirmMerge, { number: ticket.number, into: target, who }) + say(T.mergeTellBot, { into: target }), confirm: say(T.merge), danger: true, run: merge });
  };

  const canMergeHere = mayMerge && MERGEABLE.has(ticket.status) && ticket.mergedInto === null;
  if (ticket.followers.length === 0 && !canMergeHere && !ticket.mergedInto && !notice) return null;
  return (
    <section class="card followers-panel" aria-labelledby="followers-title">
      <h2 id="followers-title">{say(T.title)}</h2>
      <p class="citizens-count">{ticket.citizens > 1 ? say(T.reportedBy, { n: ticket.citizens }) : say(T.reportedByOne)}</p>
      {ticket.mergedInto && <p class="merged">{say(T.mergedInto, { into: ticket.mergedInto })} <a href={`#/t/${ticket.mergedInto}`}>{say(T.open, { number: ticket.mergedInto })}</a></p>}
      {ticket.followers.length > 0 && (
        <>
          <p class="muted">{say(T.followersIntro)}</p>
          <ul>
            {ticket.followers.map((f) => (
              <li class="follower" key={f.key}>
                <span class="who">
                  <strong>{nameOf(f)}</strong> <span class="muted">{label(f.channel)} · {say(T.since, { when: when(f.at) })}</span>
                  {mayMerge && <button type="button" class="secondary" disabled={busy} onClick={() => { askSplit(f); }}>{say(T.split)}</button>}
                </span>
                <span class="how">
                  {f.via === 'nearby' ? say(T.viaNearby) : f.fromTicket ? <>{say(T.viaMerge)} <a href={`#/t/${f.fromTicket}`}>{f.fromTicket}</a></> : say(T.viaMergeFollower)}
                  {f.photos.length > 0 && <> · {say(T.photos, { n: f.photos.length })}</>}
                  {f.location?.address && <> · {f.location.address}</>}
                </span>
                {f.description && <q>{f.description}</q>}
                {!f.reachable && <p class="warn">{say(T.unreachable)}{f.phone ? <> <Personal number={ticket.number} field="phone" value={f.phone} masked={ticket.personalMasked} follower={f.key} /></> : ''}</p>}
              </li>
            ))}
          </ul>
        </>
      )}
      {canMergeHere && (
        <form class="merge" onSubmit={(e) => { e.preventDefault(); askMerge(); }}>
          <h3>{say(T.mergeTitle)}</h3>
          <p>{say(T.mergeHint)}</p>
          <label>{say(T.mergeNumber)}
            <input value={into} onInput={(e) => { setInto(e.currentTarget.value); }} placeholder={ticket.number.replace(/\d{5}$/, '00000')} pattern="[A-Za-z]{2,6}-\d{4}-\d{5,}" required autocomplete="off" spellcheck={false} />
          </label>
          <button type="submit" disabled={busy || !NUMBER.test(target)}>{say(T.mergeButton)}</button>
          <MergeCandidates number={ticket.number} version={ticket.version} onPick={setInto} />
        </form>
      )}
      {notice && <p class="notice" role="status">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      <Confirm ask={ask} onClose={() => { setAsk(null); }} />
    </section>
  );
}
