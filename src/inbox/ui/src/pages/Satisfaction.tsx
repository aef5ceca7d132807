// Citizens' satisfaction on the dashboard: the ratings (1–5) reporters gave
// in the range after confirming their problem solved, overall and per agency:
// the average with one decimal ("–" without ratings), how many, and their
// spread as a bar from 1 (red) to 5 (green) with its numbers written on it.
import { lang, say, when } from '../i18n.js';
import { DASH } from './dashboard-texts.js';

export interface SatisfactionFigures { count: number; average: number | null; distribution: number[] }
export interface SatisfactionData { overall: SatisfactionFigures; byAgency: Record<string, SatisfactionFigures> }

const average = (f: SatisfactionFigures): string =>
  f.average === null ? '–' : f.average.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function Spread({ figures }: { figures: SatisfactionFigures }) {
  if (figures.count === 0) return <span class="spread-none">–</span>;
  const text = figures.distribution.map((n, i) => `${String(i + 1)}: ${String(n)}`).join(', ');
  return (
    <span class="spread" role="img" aria-label={say(DASH.spreadLabel, { text })} title={text}>
      {figures.distribution.map((n, i) => (n === 0 ? null : <span key={String(i)} class={`s${String(i + 1)}`} style={{ flexGrow: n }}>{n}</span>))}
    </span>
  );
}

export function SatisfactionCard({ data, agency }: { data: SatisfactionData; agency: (code: string) => string }) {
  // The rated agencies first, the best average on top (more ratings first when equal), then the others by name.
  const rows = Object.entries(data.byAgency).sort(([a, fa], [b, fb]) => (fb.average ?? -1) - (fa.average ?? -1) || fb.count - fa.count || agency(a).localeCompare(agency(b)));
  return (
    <section class="satisfaction" aria-labelledby="satisfaction-title">
      <h2 id="satisfaction-title">{say(DASH.satisfaction)}</h2>
      <p class="hint">{say(DASH.satisfactionHint)}</p>
      {/* Nobody rated yet: one line, not a table of dashes. */}
      {data.overall.count === 0 ? <p class="empty">{say(DASH.noRatings)}</p> : (
        <>
          <p class="overall">
            <b>{average(data.overall)}</b> <span>{say(DASH.outOfFive)} · {say(DASH.ratingCount, { n: data.overall.count })}</span>
          </p>
          <table class="satisfaction-table">
            <thead>
              <tr>
                <th scope="col">{say(DASH.agencyCol)}</th>
                <th scope="col" class="num">{say(DASH.averageCol)}</th>
                <th scope="col" class="num">{say(DASH.countCol)}</th>
                <th scope="col">{say(DASH.spreadCol)}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([code, figures]) => (
                <tr key={code}>
                  <th scope="row">{agency(code)}</th>
                  <td class="num" data-label={say(DASH.averageCol)}>{average(figures)}</td>
                  <td class="num" data-label={say(DASH.countCol)}>{figures.count}</td>
                  <td class="spread-cell"><Spread figures={figures} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** On a ticket (its result card): the citizen's rating, by whom and when. */
export function RatingLine({ satisfaction }: { satisfaction: { score: number; at: string; by: string } }) {
  const score = Math.min(5, Math.max(1, Math.round(satisfaction.score))) as 1 | 2 | 3 | 4 | 5;
  const by = say(satisfaction.by === 'reporter' ? DASH.byReporter : DASH.byFollower);
  return <p class={`rating r${String(score)}`}>{say(DASH.ticketRating, { by, score, label: say(DASH[`score${String(score)}` as `score${typeof score}`]), when: when(satisfaction.at) })}</p>;
}
