import { useEffect, useState } from 'preact/hooks';
import { api, type Me, type Meta, type TicketRow } from '../api.js';
import { label, localized, t, when } from '../i18n.js';
import type { LiveEvent } from '../main.js';

const STATUSES = ['open', 'in_progress', 'resolved', 'closed', 'forwarded', 'rejected'];
const CHANNELS = ['whatsapp', 'telegram', 'email', 'webchat', 'phone', 'walk_in'];

export function TicketList({ me, meta, live }: { me: Me; meta: Meta; live: LiveEvent }) {
  const [filters, setFilters] = useState({ status: '', agency: '', category: '', channel: '', overdue: false, q: '' });
  const [rows, setRows] = useState<TicketRow[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());

  const query = (cursor?: string) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(filters)) if (value !== '' && value !== false) params.set(key, String(value));
    if (cursor) params.set('cursor', cursor);
    return api<{ tickets: TicketRow[]; next: string | null }>('GET', `/api/tickets?${params.toString()}`);
  };
  const load = () => { void query().then((page) => { setRows(page.tickets); setNext(page.next); }); };
  useEffect(load, [filters]);
  useEffect(() => {
    if (live.seq === 0) return;
    setFresh((s) => new Set([...s, live.number]));
    load();
  }, [live.seq]);

  const set = (key: keyof typeof filters) => (e: Event) => {
    const target = e.currentTarget as HTMLInputElement;
    setFilters({ ...filters, [key]: target.type === 'checkbox' ? target.checked : target.value });
  };
  return (
    <section>
      <div class="filters">
        <input type="search" placeholder={t('search')} value={filters.q} onChange={set('q')} aria-label={t('search')} />
        <select onChange={set('status')} aria-label={t('allStatuses')}><option value="">{t('allStatuses')}</option>{STATUSES.map((s) => <option value={s}>{label(s)}</option>)}</select>
        {me.operator.role !== 'agency' && <select onChange={set('agency')} aria-label={t('allAgencies')}><option value="">{t('allAgencies')}</option>{meta.agencies.map((a) => <option value={a.code}>{a.code}</option>)}</select>}
        <select onChange={set('category')} aria-label={t('allCategories')}><option value="">{t('allCategories')}</option>{meta.categories.map((c) => <option value={c.code}>{localized(c.name)}</option>)}</select>
        <select onChange={set('channel')} aria-label={t('allChannels')}><option value="">{t('allChannels')}</option>{CHANNELS.map((c) => <option value={c}>{label(c)}</option>)}</select>
        <label class="check"><input type="checkbox" onChange={set('overdue')} /> {t('overdueOnly')}</label>
      </div>
      {rows.length === 0 ? <p class="empty">{t('none')}</p> : (
        <table class="tickets">
          <tbody>
            {rows.map((r) => (
              <tr key={r.number} class={fresh.has(r.number) ? 'fresh' : ''}>
                <td><a href={`#/t/${r.number}`}>{r.number}</a>{r.overdue && <span class="badge overdue">{t('overdue')}</span>}{fresh.has(r.number) && <span class="badge live">{t('updated')}</span>}</td>
                <td><span class={`status s-${r.status}`}>{label(r.status)}</span></td>
                <td>{r.agency ?? '—'}</td>
                <td>{label(r.channel)}</td>
                <td>{r.reporterName ?? '—'}</td>
                <td class="desc">{r.description}</td>
                <td class="when">{when(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && <button type="button" onClick={() => void query(next).then((page) => { setRows([...rows, ...page.tickets]); setNext(page.next); })}>{t('more')}</button>}
    </section>
  );
}
