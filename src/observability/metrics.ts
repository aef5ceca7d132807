// Prometheus metrics, served at /metrics. One registry per application
// instance, so tests can start several apps in one process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HealthRegistry } from './health.js';

export interface Metrics {
  readonly registry: Registry;
  readonly ticketsCreated: Counter<'channel'>;
  readonly ticketTransitions: Counter<'action'>;
  readonly messageProcessing: Histogram;
  readonly liveUpdateDelay: Histogram;
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
    messageProcessing: new Histogram({
      name: 'aduan_message_processing_seconds',
      help: 'Time from an inbound message taking its turn to its replies being stored',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    liveUpdateDelay: new Histogram({
      name: 'aduan_live_update_delay_seconds',
      help: 'Time from another instance publishing a live update (inbox event, presence, web chat wake-up) to this one delivering it; assumes the instances agree on the time (NTP)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

/**
 * `aduan_channel_receiving{channel}`: 1 where this instance runs a receiver only one instance may run
 * (Telegram polling, the IMAP mailbox, WhatsApp Web), 0 where it stands by. Summed over the instances it
 * should be 1: alert when it stays 0 longer than `leases.singleton` and a third.
 */
export function receivingGauge(registry: Registry, health: HealthRegistry): void {
  new Gauge({
    name: 'aduan_channel_receiving',
    help: 'Whether this instance receives the channel (1) or stands by (0); summed over the instances it should be 1',
    labelNames: ['channel'],
    registers: [registry],
    collect() {
      for (const [channel, state] of Object.entries(health.snapshot())) {
        if (state.receiving !== undefined) this.set({ channel }, state.receiving ? 1 : 0);
      }
    },
  });
}
