// The dashboard (counts and SLA compliance, computed like the daily report)
// and the stored daily, monthly and monev reports with their CSV. An agency
// operator sees its own figures and its own monev reports only.
import { z } from 'zod';
import { buildReport } from '../../reports/report.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { agencyScope } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { notFound } from '../errors.js';

const reportParams = z.strictObject({ id: z.string().regex(/^(?:daily|monthly|monev):[0-9-]{4,10}(?::[A-Za-z0-9_-]{1,64})?$/) });
const dashboardQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(30) });

export function reportRoutes(app: InboxApp, ctx: InboxContext): void {
  const guard = requireOperator(ctx.authenticator, 'reports');

  app.get('/api/reports/dashboard', { schema: { tags: ['reports'], summary: 'Counts by status, agency, category and channel, SLA compliance and the overdue list, over the last `days`', querystring: dashboardQuery }, preHandler: guard }, async (request) => {
    const scope = agencyScope(operatorOf(request));
    const to = ctx.clock();
    const from = new Date(to.getTime() - request.query.days * 86_400_000);
    const created = await ctx.reports.ticketsCreated(from, to, scope);
    const report = buildReport('dashboard', 'daily', { label: `${String(request.query.days)}d`, from, to }, created, await ctx.reports.unfinished(scope), ctx.config.sla, scope);
    // SLA compliance per agency, for the chart.
    const byAgency = Object.fromEntries(
      [...new Set(created.flatMap((t) => (t.agency ? [t.agency] : [])))].map((agency) => [agency, buildReport('', 'daily', { label: '', from, to }, created.filter((t) => t.agency === agency), [], ctx.config.sla).firstResponseCompliance]),
    );
    return { ...report, complianceByAgency: byAgency };
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
