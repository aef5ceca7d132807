import { useEffect, useState } from 'preact/hooks';
import { api, type Meta } from '../api.js';
import { t, when } from '../i18n.js';
import { actorName, type AuditEntry, auditLine, type People } from '../words.js';

const PAGE = 100;

/** Admin only: who did what and when, newest first, or one ticket's whole trail. */
export function Audit({ meta }: { meta: Meta }) {
  const [ticket, setTicket] = useState('');
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [people, setPeople] = useState<People>({});
  const [more, setMore] = useState(false);
  const load = async (before?: string) => {
    const params = new URLSearchParams(ticket ? { ticket } : { limit: String(PAGE), ...(before ? { before } : {}) });
    const { entries: page, people: named } = await api<{ entries: AuditEntry[]; people: People }>('GET', `/api/audit?${params.toString()}`);
    setEntries(before ? [...entries, ...page] : page);
    setPeople(before ? { ...people, ...named } : named);
    setMore(!ticket && page.length === PAGE);
  };
  useEffect(() => { void load(); }, [ticket]);
  return (
    <section>
      <h1>{t('audit')}</h1>
      <form class="filters audit-filter" onSubmit={(e) => {
        e.preventDefault();
        setTicket((e.currentTarget.elements.namedItem('ticket') as HTMLInputElement).value.trim().toUpperCase());
      }}>
        <input name="ticket" type="search" placeholder="ADU-2611-00001" aria-label={t('auditTicket')} pattern="[A-Za-z]+-\d{4}-\d{5,}" />
        <button type="submit">{t('show')}</button>
      </form>
      {entries.length === 0 ? <p class="empty">{t('noEntries')}</p> : (
        <table class="tickets audit">
          <thead><tr><th>{t('when')}</th><th>{t('who')}</th><th>{t('action')}</th><th>{t('ticket')}</th><th>IP</th></tr></thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.at}${e.actor}${e.action}`}>
                <td class="when">{when(e.at)}</td>
                <td>{actorName(e.actor, people)}</td>
                <td class="detail" data-action={e.action}>{auditLine(e, people, meta)}</td>
                <td>{e.ticket ? <a href={`#/t/${e.ticket}`}>{e.ticket}</a> : '—'}</td>
                <td class="when">{e.ip ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more && <button type="button" onClick={() => void load(entries.at(-1)?.at)}>{t('more')}</button>}
    </section>
  );
}
