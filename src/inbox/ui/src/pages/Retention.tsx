import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { errorText } from '../errors.js';
import { say, when } from '../i18n.js';
import { RETENTION_TEXTS as T } from './retention-texts.js';
import './retention.css';
import { duration } from './duration.js';

type Kind = 'personalData' | 'photos' | 'rawInbound' | 'notices' | 'audit';
type Counted = 'tickets' | 'ticketPhotos' | 'photos' | 'messages' | 'conversations' | 'people' | 'notices' | 'audit';
interface RetentionInfo {
  periods: Record<Kind, number>;
  sessionTtl: number;
  schedule: string | null;
  lastRun: null | { startedAt: string; complete: boolean; counts: Record<Counted, number> };
}

const YEAR = 365 * 86_400_000;
/** 730d also as "2 tahun": retention schedules count in years. */
const period = (ms: number): string => (ms % YEAR === 0 ? `${duration(ms)} (${say(T.years, { n: ms / YEAR })})` : duration(ms));

const PERIODS: readonly Kind[] = ['personalData', 'photos', 'rawInbound', 'notices', 'audit'];
const COUNTS: readonly [Counted, readonly [string, string]][] = [
  ['tickets', T.tickets], ['ticketPhotos', T.ticketPhotos], ['photos', T.photoFiles], ['messages', T.messages],
  ['conversations', T.conversations], ['people', T.people], ['notices', T.noticesRemoved], ['audit', T.auditRemoved],
];

/** Admin only (Settings page): how long personal data is kept, and what the last nightly run removed (counts only). */
export function Retention() {
  const [info, setInfo] = useState<RetentionInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { void api<RetentionInfo>('GET', '/api/admin/retention').then(setInfo, (e: unknown) => { setError(errorText(e)); }); }, []);
  if (error) return <div class="card retention"><h2>{say(T.title)}</h2><p class="error" role="alert">{say(T.loadFailed)} {error}</p></div>;
  if (!info) return null;
  const run = info.lastRun;
  return (
    <div class="card retention" data-testid="retention">
      <h2>{say(T.title)}</h2>
      <p class="muted">{say(T.intro)}</p>
      <h3>{say(T.periods)}</h3>
      <dl class="pairs">
        {PERIODS.map((k) => [<dt key={`${k}-t`}>{say(T[k])}</dt>, <dd key={`${k}-d`}>{period(info.periods[k])}</dd>])}
        <dt>{say(T.sessionTtl)}</dt><dd>{duration(info.sessionTtl)}</dd>
        {info.schedule && [<dt key="s-t">{say(T.schedule)}</dt>, <dd key="s-d"><code>{info.schedule}</code></dd>]}
      </dl>
      {run ? (
        <>
          <h3>{say(T.lastRun, { date: when(run.startedAt) })}</h3>
          <p class="muted">{say(run.complete ? T.complete : T.incomplete)}</p>
          <dl class="pairs" aria-label={say(T.removed)}>
            {COUNTS.map(([k, label]) => [<dt key={`${k}-t`}>{say(label)}</dt>, <dd key={`${k}-d`}>{run.counts[k].toLocaleString()}</dd>])}
          </dl>
        </>
      ) : <p class="muted">{say(T.neverRun)}</p>}
    </div>
  );
}
