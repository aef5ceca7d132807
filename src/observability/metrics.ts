// Prometheus metrics, served at /metrics. One registry per application
// instance, so tests can start several apps in one process.
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly ticketsCreated: Counter<'channel'>;
  readonly ticketTransitions: Counter<'action'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'aduan_' });
  return {
    registry,
    ticketsCreated: new Counter({
      name: 'aduan_tickets_created_total',
      help: 'Tickets opened, by intake channel',
      labelNames: ['channel'],
      registers: [registry],
    }),
    ticketTransitions: new Counter({
      name: 'aduan_ticket_transitions_total',
      help: 'Ticket state-machine transitions applied, by action',
      labelNames: ['action'],
      registers: [registry],
    }),
  };
}
