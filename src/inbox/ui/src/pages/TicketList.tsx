import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Me, type Meta, type TicketRow } from '../api.js';
import { DeadlineBadge } from '../deadline.js';
import { label, localized, t, type TextKey, when } from '../i18n.js';
import type { People } from '../words.js';
import type { LiveEvent } from '../main.js';

const STATUSES = ['open', 'in_progress', 'resolved', 'closed', 'forwarded', 'rejected'];
const CHANNELS = ['whatsapp', 'telegram', 'email', 'webchat', 'phone', 'walk_in'];

/** The queues each role works from: an agency operator's own and its agency's, a central operator's own and everything. */
function queuesOf(me: Me): [string, TextKey][] {
  const own = me.operator.permissions.includes('own');
  const all: [string, TextKey] = ['', me.operator.role === 'agency' ? 'queueAgency' : 'queueAll'];
  return own ? [['mine', 'queueMine'], ['unassigned', 'queueUnassigned'], all] : [['unassigned', 'queueUnassigned'], all];
}

export function TicketList({ me, meta, live }: { me: Me; meta: Meta; live: LiveEvent }) {
  const [filters, setFilters] = useState({ status: '', agency: '', category: '', channel: '', overdue: false, q: '', sort: 'newest', queue: '' });
  const [people, setPeople] = useState<People>({});
  const [rows, setRows] = useState<TicketRow[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());

  const query = (cursor?: string) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(filters)) if (value !== '' && value !== false && !(key === 'sort' && value === 'newest')) params.set(key, String(value));
    if (cursor) params.set('cursor', cursor);
    return api<{ tickets: TicketRow[]; next: string | null; people?: People }>('GET', `/api/tickets?${params.toString()}`);
  };
  // Only the latest request's answer is shown: an earlier, slower one (the filters before the last change) must not overwrite it.
  const latest = useRef(0);
  const load = () => {
    const seq = ++latest.current;
    void query().then((page) => { if (seq === latest.current) { setRows(page.tickets); setNext(page.next); setPeople(page.people ?? {}); } });
  };
  useEffect(load, [filters]);
  useEffect(() => {
    if (live.seq === 0) return;
    setFresh((s) => new Set([...s, live.number]));
    load();
  }, [live.seq]);

  const set = (key: keyof typeof filters) => (e: Event) => {
    const target = e.currentTarget as HTMLInputElement;
    const value = target.type === 'checkbox' ? target.checked : target.value;
    setFilters((current) => ({ ...current, [key]: value }));
  };
  // What is typed stays the operator's until they search (Enter): a re-render meanwhile (a live update,
  // a page of results arriving) must not put the last searched text back into the box.
  const [typed, setTyped] = useState('');
  return (
    <section>
      <nav class="queues" aria-label={t('queues')}>
        {queuesOf(me).map(([queue, key]) => <button type="button" class={filters.queue === queue ? 'tab active' : 'tab'} aria-pressed={filters.queue === queue} onClick={() => { setFilters((f) => ({ ...f, queue })); }}>{t(key)}</button>)}
      </nav>
      <div class="filters">
        <input type="search" placeholder={t('search')} value={typed} onInput={(e) => { setTyped(e.currentTarget.value); }} onChange={set('q')} aria-label={t('search')} />
        <select onChange={set('status')} aria-label={t('allStatuses')}><option value="">{t('allStatuses')}</option>{STATUSES.map((s) => <option value={s}>{label(s)}</option>)}</select>
        {me.operator.role !== 'agency' && <select onChange={set('agency')} aria-label={t('allAgencies')}><option value="">{t('allAgencies')}</option>{meta.agencies.map((a) => <option value={a.code}>{a.code}</option>)}</select>}
        <select onChange={set('category')} aria-label={t('allCategories')}><option value="">{t('allCategories')}</option>{meta.categories.map((c) => <option value={c.code}>{localized(c.name)}</option>)}</select>
        <select onChange={set('channel')} aria-label={t('allChannels')}><option value="">{t('allChannels')}</option>{CHANNELS.map((c) => <option value={c}>{label(c)}</option>)}</select>
        <select onChange={set('sort')} aria-label={t('sortBy')}><option value="newest">{t('sortNewest')}</option><option value="deadline">{t('sortDeadline')}</option></select>
        <label class="check"><input type="checkbox" onChange={set('overdue')} /> {t('overdueOnly')}</label>
      </div>
      {filters.sort === 'deadline' && <p class="muted">{t('sortDeadlineHint')}</p>}
      {rows.length === 0 ? <p class="empty">{t('none')}</p> : (
        <table class="tickets ticket-list">
          <thead><tr><th>{t('ticket')}</th><th>{t('status')}</th><th>{t('agency')}</th><th>{t('channel')}</th><th>{t('reporter')}</th><th>{t('description')}</th><th>{t('deadline')}</th><th>{t('owner')}</th><th>{t('received')}</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.number} class={fresh.has(r.number) ? 'fresh' : ''}>
                <td><a href={`#/t/${r.number}`}>{r.number}</a>{r.overdue && !r.deadline && <span class="badge overdue">{t('overdue')}</span>}{fresh.has(r.number) && <span class="badge live">{t('updated')}</span>}</td>
                <td><span class={`status s-${r.status}`}>{label(r.status)}</span></td>
                <td>{r.agency ?? '—'}</td>
                <td>{label(r.channel)}</td>
                <td>{r.reporterName ?? '—'}</td>
                <td class="desc">{r.description}</td>
                <td><DeadlineBadge deadline={r.deadline} /></td>
                <td class="owner-cell">{r.owner ? (people[r.owner]?.name ?? r.owner) : '—'}</td>
                <td class="when">{when(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && <button type="button" onClick={() => void query(next).then((page) => { setRows([...rows, ...page.tickets]); setNext(page.next); setPeople({ ...people, ...page.people }); })}>{t('more')}</button>}
    </section>
  );
}
