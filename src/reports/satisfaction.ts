// Citizens' satisfaction (1–5, asked after a confirmed close) in the
// dashboard and the reports: per agency and overall, the number of ratings,
// their average with one decimal (null when there are none: shown "–") and
// how many gave each score. Counted by the day of the rating, not of the
// ticket: what citizens said in the period. Pure functions of tickets.
import type { Ticket } from '../tickets/model.js';

export interface SatisfactionFigures {
  readonly count: number;
  /** One decimal; null without ratings. */
  readonly average: number | null;
  /** How many gave 1, 2, 3, 4 and 5, in that order. */
  readonly distribution: readonly [number, number, number, number, number];
}

export interface SatisfactionSummary {
  readonly overall: SatisfactionFigures;
  /** By the agency that handled the ticket. */
  readonly byAgency: Readonly<Record<string, SatisfactionFigures>>;
}

export type RatedTicket = Pick<Ticket, 'number' | 'agency' | 'satisfaction'>;

function figures(scores: readonly number[]): SatisfactionFigures {
  const distribution: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  for (const score of scores) distribution[score - 1] = (distribution[score - 1] ?? 0) + 1;
  const sum = scores.reduce((a, b) => a + b, 0);
  return { count: scores.length, average: scores.length === 0 ? null : Math.round((sum / scores.length) * 10) / 10, distribution };
}

/** `agencies` are listed even without a rating (average null: "–"), so nobody's silence goes unseen. */
export function satisfactionSummary(rated: readonly RatedTicket[], agencies: readonly string[] = []): SatisfactionSummary {
  const scored = rated.flatMap((t) => (t.satisfaction ? [{ agency: t.agency ?? '-', score: t.satisfaction.score }] : []));
  const listed = [...new Set([...agencies, ...scored.map((s) => s.agency)])].sort();
  return {
    overall: figures(scored.map((s) => s.score)),
    byAgency: Object.fromEntries(listed.map((agency) => [agency, figures(scored.filter((s) => s.agency === agency).map((s) => s.score))])),
  };
}

/** "4.2" or "–". */
export const averageText = (f: Pick<SatisfactionFigures, 'average'>): string => (f.average === null ? '–' : f.average.toFixed(1));

/** The report mail's paragraph (Indonesian, as the rest of it): overall, then each agency when there are several. */
export function satisfactionText(summary: SatisfactionSummary, agencyName: (code: string) => string): string {
  const line = (f: SatisfactionFigures) => `${averageText(f)} dari 5 (${String(f.count)} penilaian${f.count === 0 ? '' : `; ${f.distribution.map((n, i) => `${String(i + 1)}: ${String(n)}`).join(', ')}`})`;
  const agencies = Object.entries(summary.byAgency);
  const perAgency = agencies.length > 1 ? agencies.map(([code, f]) => `\n  ${agencyName(code)}: ${line(f)}`).join('') : '';
  return `Kepuasan warga (penilaian 1–5 setelah pelapor mengonfirmasi selesai): ${line(summary.overall)}${perAgency}`;
}
