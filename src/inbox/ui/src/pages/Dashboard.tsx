import { useEffect, useState } from 'preact/hooks';
import { api, type Meta } from '../api.js';
import { label, t, when } from '../i18n.js';
import type { LiveEvent } from '../main.js';

interface Compliance { met: number; missed: number; percent: number | null }
interface DashboardData {
  total: number;
  byStatus: Record<string, number>;
  byAgency: Record<string, number>;
  firstResponseCompliance: Compliance;
  complianceByAgency: Record<string, Compliance>;
  overdue: { number: string; agency?: string }[];
}
interface Report { id: string; kind: string; label: string; createdAt: string }

export function Dashboard({ meta, live }: { meta: Meta; live: LiveEvent }) {
  const [data, setData] = useState<DashboardData | null>(null);
  const [reports, setReports] = useState<Report[]>([]);
  useEffect(() => { void api<DashboardData>('GET', '/api/reports/dashboard').then(setData); }, [live.seq]);
  useEffect(() => { void api<{ reports: Report[] }>('GET', '/api/reports').then((r) => { setReports(r.reports); }); }, []);
  if (!data) return null;
  const agencyName = (code: string) => meta.agencies.find((a) => a.code === code)?.code ?? code;
  return (
    <section class="dashboard">
      <h1>{t('dashboard')} <small>{t('last30')}</small></h1>
      <div class="counts">
        <div class="count"><b>{data.total}</b>{t('total')}</div>
        {Object.entries(data.byStatus).map(([status, n]) => <div class={`count s-${status}`}><b>{n}</b>{label(status)}</div>)}
        <div class="count overdue"><b>{data.overdue.length}</b>{t('overdue')}</div>
      </div>
      <h2>{t('compliance')}</h2>
      <svg class="chart" role="img" aria-label={t('compliance')} viewBox={`0 0 420 ${String(Math.max(1, Object.keys(data.complianceByAgency).length) * 28 + 10)}`}>
        {Object.entries(data.complianceByAgency).map(([agency, c], i) => {
          const percent = c.percent ?? 0;
          const y = i * 28 + 5;
          return (
            <g key={agency}>
              <text x="0" y={y + 15} font-size="12">{agencyName(agency)}</text>
              <rect x="110" y={y} width="250" height="20" fill="#eee" />
              <rect x="110" y={y} width={2.5 * percent} height="20" fill={percent >= 80 ? '#2e7d32' : percent >= 50 ? '#f9a825' : '#c62828'} />
              <text x="366" y={y + 15} font-size="12">{c.percent === null ? '—' : `${String(c.percent)}%`}</text>
            </g>
          );
        })}
      </svg>
      <h2>{t('reports')}</h2>
      <ul>{reports.map((r) => <li><a href={`/api/reports/${r.id}/csv`}>{r.id}</a> · {when(r.createdAt)}</li>)}</ul>
    </section>
  );
}
