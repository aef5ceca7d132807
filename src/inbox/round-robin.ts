// Round-robin (issue 15 item 1): a ticket reaching an agency with no owner goes to
// the agency's active operator with the fewest open tickets below the cap (ties:
// the one given a ticket longest ago); nobody below the cap, it stays unassigned.
// Safe with several instances: an operator is given a ticket only under a short
// lease on their own record (one conditional update keyed by `_id`), the count is
// taken again under it, and the ticket changes only if it still has no owner.
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Config } from '../config/schema.js';
import type { Ticket } from '../tickets/model.js';
import type { AuditStore } from '../storage/audit-store.js';
import type { InboxStore } from '../storage/inbox-store.js';
import type { OperatorStore } from '../storage/operator-store.js';
import type { InboxEvents } from './events.js';

export type RoundRobinConfig = Config['inbox']['roundRobin'];

/** Statuses in which an owned ticket counts towards its owner's cap. */
const OPEN = ['open', 'in_progress', 'forwarded'];
const LEASE_MS = 10_000;
const ATTEMPTS = 20;
const DUPLICATE_KEY = 11000;

export interface RoundRobinDeps {
  readonly config: RoundRobinConfig;
  readonly connection: Connection;
  readonly operators: OperatorStore;
  readonly inbox: InboxStore;
  readonly audit: AuditStore;
  readonly events: InboxEvents;
  readonly clock: () => Date;
}

interface SlotDoc { _id: string; leaseUntil?: Date; leaseBy?: string; lastAssignedAt?: Date }

export function roundRobinFor(config: RoundRobinConfig, agency: string): { enabled: boolean; cap: number } {
  const own = config.agencies?.[agency];
  return { enabled: own?.enabled ?? config.enabled, cap: own?.cap ?? config.cap };
}

export function roundRobin(deps: RoundRobinDeps) {
  const slots = deps.connection.collection<SlotDoc>('round_robin');
  const tickets = deps.connection.collection('tickets');
  const load = (username: string, cap: number) => tickets.countDocuments({ owner: username, status: { $in: OPEN } }, { limit: cap });

  /** This instance's mark on a lease, so it releases only its own (never one another instance took after it expired). */
  const me = randomUUID();
  const lease = async (username: string, now: Date): Promise<boolean> => {
    try {
      const won = await slots.findOneAndUpdate(
        { _id: username, $or: [{ leaseUntil: { $exists: false } }, { leaseUntil: { $lte: now } }] },
        { $set: { leaseUntil: new Date(now.getTime() + LEASE_MS), leaseBy: me } },
        { upsert: true, returnDocument: 'after' },
      );
      return won !== null;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  };

  /** Gives the ticket to someone if round-robin is on for its agency; the new owner, or null. */
  return async function assign(ticket: Pick<Ticket, 'number' | 'agency' | 'owner' | 'status'>): Promise<string | null> {
    if (!ticket.agency || ticket.owner || !OPEN.includes(ticket.status)) return null;
    const { enabled, cap } = roundRobinFor(deps.config, ticket.agency);
    if (!enabled) return null;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const active = (await deps.operators.list()).filter((o) => o.role === 'agency' && o.agency === ticket.agency && !o.disabled).map((o) => o._id);
      if (active.length === 0) return null;
      const last = new Map((await slots.find({ _id: { $in: active } }).toArray()).map((s) => [s._id, s.lastAssignedAt?.getTime() ?? 0]));
      const loads = await Promise.all(active.map(async (username) => ({ username, count: await load(username, cap), last: last.get(username) ?? 0 })));
      const below = loads.filter((l) => l.count < cap).sort((a, b) => a.count - b.count || a.last - b.last || a.username.localeCompare(b.username));
      if (below.length === 0) return null;
      let busy = false;
      for (const { username } of below) {
        const now = deps.clock();
        if (!(await lease(username, now))) {
          busy = true;
          continue;
        }
        try {
          if ((await load(username, cap)) >= cap) continue;
          const updated = await deps.inbox.setOwner(ticket.number, username, null, now);
          if (!updated) return null; // someone took it meanwhile
          await slots.updateOne({ _id: username }, { $set: { lastAssignedAt: now } });
          await deps.audit.record({ at: now, actor: 'system:round_robin', action: 'hand_over', ticket: ticket.number, detail: { from: null, to: username } });
          deps.events.publish({ type: 'ticket', number: ticket.number, agency: ticket.agency, action: 'owner' });
          return username;
        } finally {
          await slots.updateOne({ _id: username, leaseBy: me }, { $unset: { leaseUntil: 1, leaseBy: 1 } });
        }
      }
      if (!busy) return null;
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
    return null;
  };
}
