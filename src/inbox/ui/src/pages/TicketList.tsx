import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Me, type Meta, type TicketRow } from '../api.js';
import { DeadlineBadge } from '../deadline.js';
import { errorMessage, errorText } from '../errors.js';
import { label, localized, say, t, type TextKey, when } from '../i18n.js';
import { useActionKeys } from '../keys.js';
import type { People } from '../words.js';
import type { LiveEvent } from '../main.js';
import { Confirm, type Confirmation } from './Confirm.js';
import { LIST_TEXTS as L } from './list-texts.js';
import { MACRO_TEXTS as M } from './macro-texts.js';
import { type InboxLabel, LabelChips, macroConfig } from './MacroPanel.js';

const STATUSES = ['open', 'in_progress', 'resolved', 'closed', 'forwarded', 'rejected'];
const CHANNELS = ['whatsapp', 'telegram', 'email', 'webchat', 'phone', 'walk_in', 'open311'];
const PAGE_SIZES = ['25', '50', '100'];
const SEARCH_DELAY = 300;

/** The queues each role works from: an agency operator's own and its agency's, a central operator's own and everything. */
function queuesOf(me: Me): [string, TextKey][] {
  const own = me.operator.permissions.includes('own');
  const all: [string, TextKey] = ['', me.operator.role === 'agency' ? 'queueAgency' : 'queueAll'];
  return own ? [['mine', 'queueMine'], ['unassigned', 'queueUnassigned'], all] : [['unassigned', 'queueUnassigned'], all];
}

interface Filters { status: string; agency: string; category: string; channel: string; overdue: boolean; q: string; sort: string; queue: string; limit: string; label: string }

/** The filters as the API's query (without the page size and cursor when `forExport`). */
function paramsOf(filters: Filters, forExport = false): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value === '' || value === false || (key === 'sort' && value === 'newest') || (key === 'limit' && (forExport || value === '25'))) continue;
    params.set(key, String(value));
  }
  return params;
}

/** A ticket number that may wrap only before its sequence, so a narrow column shows "ADU-2612-" above "00005". */
function TicketNumber({ number }: { number: string }) {
  const cut = number.lastIndexOf('-') + 1;
  return <><span class="nb">{number.slice(0, cut)}</span><span class="nb">{number.slice(cut)}</span></>;
}

interface BulkAnswer { done: string[]; refused: { number: string; code: string }[] }

export function TicketList({ me, meta, live }: { me: Me; meta: Meta; live: LiveEvent }) {
  const [filters, setFilters] = useState<Filters>({ status: '', agency: '', category: '', channel: '', overdue: false, q: '', sort: 'newest', queue: '', limit: '25', label: '' });
  const [labelList, setLabelList] = useState<InboxLabel[]>([]);
  useEffect(() => { macroConfig().then((c) => { setLabelList(c.labels); }, () => undefined); }, []);
  const [people, setPeople] = useState<People>({});
  const [rows, setRows] = useState<TicketRow[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [target, setTarget] = useState('');
  const [summary, setSummary] = useState<{ text: string; error: boolean } | null>(null);
  const [ask, setAsk] = useState<Confirmation | null>(null);
  const [busy, setBusy] = useState(false);
  const keys = useActionKeys();
  const canBulk = me.operator.permissions.includes('assign');
  const agencyName = (code: string) => meta.agencies.find((a) => a.code === code)?.name ?? code;

  const query = (cursor?: string) => {
    const params = paramsOf(filters);
    if (cursor) params.set('cursor', cursor);
    return api<{ tickets: TicketRow[]; next: string | null; total?: number; people?: People }>('GET', `/api/tickets?${params.toString()}`);
  };
  // Only the latest request's answer is shown: an earlier, slower one (the filters or the search text before the
  // last change) must not overwrite it.
  const latest = useRef(0);
  const load = () => {
    const seq = ++latest.current;
    void query().then((page) => {
      if (seq !== latest.current) return;
      setRows(page.tickets); setNext(page.next); setPeople(page.people ?? {}); setTotal(page.total ?? null);
      // A selection only holds tickets still on screen.
      setSelected((s) => new Set(page.tickets.filter((r) => s.has(r.number)).map((r) => r.number)));
    });
  };
  useEffect(load, [filters]);
  useEffect(() => {
    if (live.seq === 0) return;
    setFresh((s) => new Set([...s, live.number]));
    load();
  }, [live.seq]);

  const set = (key: keyof Filters) => (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const value = input.type === 'checkbox' ? input.checked : input.value;
    setFilters((current) => ({ ...current, [key]: value }));
  };
  // The search runs as the operator types, once they pause (300 ms). What is typed stays theirs: a re-render
  // meanwhile (a live update, a page arriving) never puts the last searched text back into the box.
  const [typed, setTyped] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const search = (text: string) => {
    setTyped(text);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => { setFilters((f) => (f.q === text.trim() ? f : { ...f, q: text.trim() })); }, SEARCH_DELAY);
  };
  useEffect(() => () => { clearTimeout(timer.current); }, []);

  // Newest and most-reported run from the top down; the codes and deadlines up.
  const sortHeader = (sort: string, text: string, column = text) => (
    <th aria-sort={filters.sort === sort ? (sort === 'newest' || sort === 'followers' ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class={filters.sort === sort ? 'sort active' : 'sort'} title={say(L.sortBy, { column })} onClick={() => { setFilters((f) => ({ ...f, sort })); }}>
        {text}{filters.sort === sort ? (sort === 'newest' || sort === 'followers' ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );

  const toggle = (number: string) => { setSelected((s) => { const copy = new Set(s); if (copy.has(number)) copy.delete(number); else copy.add(number); return copy; }); };
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.number));
  const transfer = () => {
    const chosen = rows.filter((r) => selected.has(r.number));
    setBusy(true);
    setSummary(null);
    keys.run('bulk-assign', (key) => api<BulkAnswer>('POST', '/api/tickets/bulk/assign', { agency: target, tickets: chosen.map((r) => ({ number: r.number, expectedVersion: r.version })) }, { idempotencyKey: key }))
      .then((answer) => {
        const parts = [answer.done.length > 0 ? say(L.done, { n: answer.done.length, agency: agencyName(target) }) : say(L.noneDone)];
        if (answer.refused.length > 0) parts.push(say(L.refused, { list: answer.refused.map((r) => `${r.number} — ${errorMessage(r.code, {}, agencyName)}`).join('; ') }));
        setSummary({ text: parts.join(' '), error: answer.refused.length > 0 });
        setSelected(new Set(answer.refused.map((r) => r.number)));
        load();
      })
      .catch((error: unknown) => { setSummary({ text: errorText(error, agencyName), error: true }); })
      .finally(() => { setBusy(false); });
  };
  const exportHref = () => {
    const params = paramsOf(filters, true).toString();
    return `/api/tickets/export.csv${params ? `?${params}` : ''}`;
  };

  return (
    <section>
      <nav class="queues" aria-label={t('queues')}>
        {queuesOf(me).map(([queue, key]) => <button type="button" class={filters.queue === queue ? 'tab active' : 'tab'} aria-pressed={filters.queue === queue} onClick={() => { setFilters((f) => ({ ...f, queue })); }}>{t(key)}</button>)}
      </nav>
      <div class="filters">
        <input type="search" placeholder={say(me.operator.personalMasked ? L.searchMasked : L.searchShort)} title={say(me.operator.personalMasked ? L.searchMasked : L.search)} value={typed} onInput={(e) => { search(e.currentTarget.value); }} aria-label={say(me.operator.personalMasked ? L.searchMasked : L.search)} />
        <select onChange={set('status')} aria-label={t('allStatuses')}><option value="">{t('allStatuses')}</option>{STATUSES.map((s) => <option value={s}>{label(s)}</option>)}</select>
        {me.operator.role !== 'agency' && <select onChange={set('agency')} aria-label={t('allAgencies')}><option value="">{t('allAgencies')}</option>{meta.agencies.map((a) => <option value={a.code}>{a.code}</option>)}</select>}
        <select onChange={set('category')} aria-label={t('allCategories')}><option value="">{t('allCategories')}</option>{meta.categories.map((c) => <option value={c.code}>{localized(c.name)}</option>)}</select>
        <select onChange={set('channel')} aria-label={t('allChannels')}><option value="">{t('allChannels')}</option>{CHANNELS.map((c) => <option value={c}>{label(c)}</option>)}</select>
        {labelList.length > 0 && <select onChange={set('label')} aria-label={say(M.allLabels)}><option value="">{say(M.allLabels)}</option>{labelList.map((l) => <option value={l.code}>{localized(l.name)}</option>)}</select>}
        <select value={filters.sort} onChange={set('sort')} aria-label={t('sortBy')}>
          <option value="newest">{t('sortNewest')}</option><option value="deadline">{t('sortDeadline')}</option><option value="status">{t('sortBy')}: {say(L.sortStatus)}</option><option value="agency">{t('sortBy')}: {say(L.sortAgency)}</option><option value="followers">{t('sortBy')}: {say(L.sortCitizens)}</option>
        </select>
        <label class="check"><input type="checkbox" onChange={set('overdue')} /> {t('overdueOnly')}</label>
      </div>
      <div class="list-bar">
        <span class="list-count" role="status">{total === null ? '' : rows.length < total ? say(L.shown, { shown: rows.length, n: total }) : total === 1 ? say(L.totalOne) : say(L.total, { n: total })}</span>
        <label class="page-size">{say(L.pageSize)} <select value={filters.limit} onChange={set('limit')}>{PAGE_SIZES.map((n) => <option value={n}>{n}</option>)}</select></label>
        <a class="button export" href={exportHref()} download title={say(L.exportHint)}>{say(L.exportCsv)}</a>
      </div>
      {filters.sort === 'deadline' && <p class="muted">{t('sortDeadlineHint')}</p>}
      {canBulk && selected.size > 0 && (
        <div class="bulk" role="region" aria-label={say(L.selected, { n: selected.size })}>
          <strong>{say(L.selected, { n: selected.size })}</strong>
          <select value={target} onChange={(e) => { setTarget(e.currentTarget.value); }} aria-label={say(L.transferTo)}><option value="">{say(L.transferTo)}</option>{meta.agencies.map((a) => <option value={a.code}>{a.code} — {a.name}</option>)}</select>
          <button type="button" disabled={busy || target === ''} onClick={() => { setAsk({ text: say(L.confirmTransfer, { n: selected.size, agency: agencyName(target) }), confirm: say(L.transfer), run: transfer }); }}>{say(L.transfer)}</button>
          <button type="button" class="secondary" onClick={() => { setSelected(new Set()); }}>{say(L.clear)}</button>
        </div>
      )}
      {summary && <p class={summary.error ? 'bulk-summary warn' : 'bulk-summary ok'} role="status">{summary.text}</p>}
      {rows.length === 0 ? <p class="empty">{t('none')}</p> : (
        <table class="tickets ticket-list">
          <thead><tr>
            <th>{canBulk && <input type="checkbox" class="pick" checked={allSelected} aria-label={say(L.selectAll)} onChange={() => { setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.number))); }} />}{t('ticket')}</th>
            {sortHeader('status', t('status'))}{sortHeader('agency', t('agency'))}<th>{t('channel')}</th>{sortHeader('followers', t('reporter'), say(L.sortCitizens))}<th>{t('description')}</th>{sortHeader('deadline', t('deadline'))}<th>{t('owner')}</th>{sortHeader('newest', t('received'))}
          </tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.number} class={[fresh.has(r.number) ? 'fresh' : '', selected.has(r.number) ? 'picked' : ''].join(' ').trim()}>
                <td class="num"><span class="num-line">{canBulk && <input type="checkbox" class="pick" checked={selected.has(r.number)} aria-label={say(L.selectOne, { number: r.number })} onChange={() => { toggle(r.number); }} />}<a href={`#/t/${r.number}`}><TicketNumber number={r.number} /></a></span>{r.overdue && !r.deadline && <span class="badge overdue">{t('overdue')}</span>}{fresh.has(r.number) && <span class="badge live">{t('updated')}</span>}</td>
                <td><span class={`status s-${r.status}`}>{label(r.status)}</span>{r.mergedInto && <span class="merged-into">{say(L.mergedInto, { number: r.mergedInto })}</span>}</td>
                <td>{r.agency ?? '—'}</td>
                <td>{label(r.channel)}</td>
                <td>{r.reporterName ?? '—'}{r.citizens > 1 && <span class="badge citizens" title={say(L.reportedBy, { n: r.citizens })}>{say(L.citizens, { n: r.citizens })}</span>}</td>
                <td class="desc">{r.description}<LabelChips codes={r.labels} labels={labelList} /></td>
                <td><DeadlineBadge deadline={r.deadline} /></td>
                <td class="owner-cell">{r.owner ? (people[r.owner]?.name ?? r.owner) : '—'}</td>
                <td class="when">{when(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && <button type="button" onClick={() => void query(next).then((page) => { setRows([...rows, ...page.tickets]); setNext(page.next); setPeople({ ...people, ...page.people }); })}>{t('more')}</button>}
      <Confirm ask={ask} onClose={() => { setAsk(null); }} />
    </section>
  );
}
