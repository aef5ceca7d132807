// The dashboard over a date range in the city's time zone (counts and SLA
// compliance computed like the daily report, time to resolve, backlog per
// day, compliance per agency over time), the stored daily, monthly and monev
// reports with their CSV, and "generate now" for central operators. An agency
// operator sees its own figures and its own monev reports only.
import { z } from 'zod';
import { backlogByDay, complianceOverTime, RANGE_PRESETS, resolveRange, timeToResolve } from '../../reports/dashboard.js';
import { buildReport } from '../../reports/report.js';
import { satisfactionSummary } from '../../reports/satisfaction.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { agencyScope } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { invalid, notFound, refuse } from '../errors.js';
import { idempotent } from '../idempotency.js';

const reportParams = z.strictObject({ id: z.string().regex(/^(?:daily|monthly|monev):[0-9-]{4,10}(?::[A-Za-z0-9_-]{1,64})?$/) });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const dashboardQuery = z.strictObject({ range: z.enum(RANGE_PRESETS).default('30d'), from: date.optional(), to: date.optional() });
const generateBody = z.strictObject({ kind: z.enum(['daily', 'monthly']) });
/** At most this many tickets of a range are read (FerretDB scans; MongoDB reads the `createdAt` index). */
export const DASHBOARD_LIMIT = 20_000;

export function reportRoutes(app: InboxApp, ctx: InboxContext): void {
  const guard = requireOperator(ctx.authenticator, 'reports');

  app.get('/api/reports/dashboard', { schema: { tags: ['reports'], summary: 'Over a range of calendar days in the city\'s time zone (`range`: 7d, 30d, this_month, last_month, or custom with `from` and `to`, YYYY-MM-DD, both included): counts by status, agency, category and channel, first-response compliance (overall, per agency, per agency over time), time to resolve, open tickets per day, the SLA breach list, and citizens\' satisfaction ratings given in the range (overall and per agency: count, average, 1–5 distribution)', querystring: dashboardQuery }, preHandler: guard }, async (request, reply) => {
    const scope = agencyScope(operatorOf(request));
    const now = ctx.clock();
    const range = resolveRange(request.query.range, now, ctx.config.city.timezone, request.query);
    if (!range) return invalid(reply, [{ field: 'to', problem: 'range' }]);
    const { from, to } = range;
    const created = await ctx.reports.ticketsCreated(from, to, scope, DASHBOARD_LIMIT + 1);
    const truncated = created.length > DASHBOARD_LIMIT;
    if (truncated) created.length = DASHBOARD_LIMIT;
    const unfinished = await ctx.reports.unfinished(scope);
    const report = buildReport('dashboard', 'daily', { label: `${range.fromDate}..${range.toDate}`, from, to }, created, unfinished, ctx.config.sla, scope);
    // SLA compliance per agency, for the chart.
    const byAgency = Object.fromEntries(
      [...new Set(created.flatMap((t) => (t.agency ? [t.agency] : [])))].map((agency) => [agency, buildReport('', 'daily', { label: '', from, to }, created.filter((t) => t.agency === agency), [], ctx.config.sla).firstResponseCompliance]),
    );
    // The backlog: what was created in the range, what still waits, and what stopped waiting during it.
    const earlier = await ctx.reports.finishedSince(from, from, scope, DASHBOARD_LIMIT);
    return {
      ...report,
      range: { preset: range.preset, from: range.fromDate, to: range.toDate, timeZone: ctx.config.city.timezone },
      truncated,
      complianceByAgency: byAgency,
      complianceOverTime: complianceOverTime(created, range, ctx.config.sla),
      timeToResolve: timeToResolve(created),
      backlog: backlogByDay([...created, ...unfinished.filter((t) => t.createdAt < to), ...earlier], range, now),
      // Ratings given in the range (not of the tickets created in it): per agency, average, count and 1–5 spread.
      satisfaction: satisfactionSummary(await ctx.reports.rated(from, to, scope, DASHBOARD_LIMIT), scope ? [scope] : ctx.config.agencies.map((a) => a.code)),
    };
  });

  app.post('/api/reports/generate', { schema: { tags: ['reports'], summary: 'Central operators: run the daily report job (yesterday) or the monthly one (last month, with each agency\'s monev) now, under its lease', body: generateBody }, preHandler: [guard, idempotent(ctx.idempotency)] }, async (request, reply) => {
    const operator = operatorOf(request);
    if (operator.role !== 'admin') return refuse(reply, 'forbidden');
    const scheduler = ctx.jobs.scheduler;
    if (!scheduler) return refuse(reply, 'not_found');
    const job = request.body.kind === 'daily' ? 'dailyReport' : 'monthlyReport';
    const result = await scheduler.runNow(job);
    await ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action: `generate_${request.body.kind}_report`, detail: { job, ran: result.ran }, ip: request.ip });
    return { job, ran: result.ran, reports: await ctx.inbox.reports(undefined) };
  });

  app.get('/api/reports', { schema: { tags: ['reports'], summary: 'Stored reports (daily, monthly, monev)' }, preHandler: guard }, async (request) => {
    const scope = agencyScope(operatorOf(request));
    return { reports: await ctx.inbox.reports(scope) };
  });

  const readable = async (id: string, scope: string | undefined) => {
    const report = await ctx.inbox.report(id);
    if (!report) return null;
    return scope === undefined || (report.kind === 'monev' && report.agency === scope) ? report : null;
  };

  app.get('/api/reports/:id', { schema: { tags: ['reports'], summary: 'One stored report as computed', params: reportParams }, preHandler: guard }, async (request, reply) => {
    const report = await readable(request.params.id, agencyScope(operatorOf(request)));
    if (!report) return notFound(reply);
    return { id: report._id, kind: report.kind, label: report.label, agency: report.agency ?? null, createdAt: report.createdAt, sentAt: report.sentAt ?? null, data: report.data };
  });

  app.get('/api/reports/:id/csv', { schema: { tags: ['reports'], summary: 'The report\'s tickets as CSV', params: reportParams }, preHandler: guard }, async (request, reply) => {
    const operator = operatorOf(request);
    const report = await readable(request.params.id, agencyScope(operator));
    if (!report) return notFound(reply);
    await ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action: 'download_report', detail: { report: report._id }, ip: request.ip });
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${report._id.replaceAll(':', '-')}.csv"`).send(report.csv);
  });
}
