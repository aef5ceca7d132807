// The ticket service: opens tickets and moves them through the life cycle.
// Every change is one conditional update on the status and version the
// decision was based on, so concurrent operators, jobs and instances can
// never both apply a transition from the same state.
import type { Config } from '../config/schema.js';
import { ConcurrentUpdateError, IllegalTransitionError, InvalidTicketInputError, TicketNotFoundError } from './errors.js';
import { type NewTicketInput, newTicketSchema } from './input.js';
import { issueOf } from './issues.js';
import type { Actor, Channel, Due, Follower, HistoryEntry, Satisfaction, Ticket, TicketStatus } from './model.js';
import { type GeoPoint, geoOf, type NearbyCandidate, type NearbyMatch, nearest, STILL_OPEN } from './nearby.js';
import { formatTicketNumber, ticketPeriod } from './numbers.js';
import { newPublicToken } from './public-token.js';
import { type Rater, raterOf, rateable } from './satisfaction.js';
import type { TicketStore } from './store.js';
import { firstResponseDue, planTransition, TRANSITIONS, type TransitionAction, type TransitionInputs } from './transitions.js';

export type TicketEvent =
  | { readonly type: 'created'; readonly ticket: Ticket }
  /** A reprocessed message found the ticket it had opened before its process died: told again, since the first telling may have died with that process. */
  | { readonly type: 'recovered'; readonly ticket: Ticket }
  | { readonly type: 'transition'; readonly ticket: Ticket; readonly action: TransitionAction; readonly from: TicketStatus };

export type TicketListener = (event: TicketEvent) => void;

/**
 * How long a taken deadline stays away before it comes due again (its action failed or its process died),
 * unless the configuration says (`leases.job`: the deadlines are taken by jobs, and held as long as a job's run).
 */
export const DUE_LEASE_MS = 5 * 60_000;

/**
 * A stable key for what is done about one deadline of a ticket, e.g.
 * `confirmationAsk:ADU-2611-00042:v5`: the same on every retry of that
 * deadline, different for the next one (a transition bumps the version).
 */
export const dueKey = (kind: string, ticket: Pick<Ticket, 'number' | 'version'>): string => `${kind}:${ticket.number}:v${String(ticket.version)}`;

export type TicketServiceConfig = Pick<Config, 'categories' | 'agencies' | 'forwarding' | 'sla' | 'limits' | 'ticketNumber'> & {
  readonly city: Pick<Config['city'], 'timezone'>;
  readonly leases?: Pick<Config['leases'], 'job'>;
};

export interface TransitionOptions {
  readonly actor: Actor;
  readonly note?: string;
  /**
   * The version the caller decided on (an operator's screen): if the ticket
   * has changed since, the transition fails instead of acting on news the
   * caller has not seen.
   */
  readonly expectedVersion?: number;
}

export class TicketService {
  private readonly listeners: TicketListener[] = [];
  private readonly inputSchema;

  constructor(
    private readonly store: TicketStore,
    private readonly config: TicketServiceConfig,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.inputSchema = newTicketSchema(config.limits);
  }

  /** Listeners run after a change is stored; one that throws does not undo or block the change. */
  onEvent(listener: TicketListener): void {
    this.listeners.push(listener);
  }

  async create(input: NewTicketInput, actor: Actor): Promise<Ticket> {
    const parsed = this.inputSchema.safeParse(input);
    if (!parsed.success) {
      throw new InvalidTicketInputError(parsed.error.issues.map((i) => issueOf(i)));
    }
    const data = parsed.data;
    const category = this.config.categories.find((c) => c.code === data.category);
    if (!category) throw new InvalidTicketInputError([{ field: 'category', problem: 'unknown_category', limit: data.category, message: `unknown category "${data.category}"` }]);

    const now = this.clock();
    const period = ticketPeriod(now, this.config.city.timezone);
    const sequence = await this.store.nextSequence(period);
    const created: HistoryEntry = { at: now, actor, action: 'create', from: null, to: 'open' };
    // A pinned location is also stored as GeoJSON, for the nearby-duplicates search (nearby.ts).
    const geo = geoOf(data.location);
    const ticket: Ticket = {
      number: formatTicketNumber(this.config.ticketNumber.prefix, period, sequence),
      status: 'open',
      channel: data.channel,
      reporter: data.reporter,
      category: category.code,
      ...(data.intake ? { intake: data.intake } : {}),
      description: data.description,
      attachments: data.attachments,
      ...(data.location ? { location: data.location } : {}),
      ...(geo ? { geo } : {}),
      due: {},
      reopenCount: 0,
      history: [created],
      publicToken: newPublicToken(),
      version: 0,
      createdAt: now,
      updatedAt: now,
    };
    if (category.agency !== undefined) {
      ticket.agency = category.agency;
      ticket.due = { ...firstResponseDue(now, this.config.sla, this.config.city.timezone), agencyNotice: now };
      if (ticket.due.firstResponse) ticket.deadline = { kind: 'firstResponse', start: now, at: ticket.due.firstResponse };
      created.note = `agency ${category.agency}`;
      // The same as data, so views name the agency instead of showing this English note.
      created.agency = category.agency;
    } else if (category.forwardTo !== undefined) {
      // Outside the city's authority: recorded, and handed on at once.
      ticket.status = 'forwarded';
      ticket.forwardedTo = category.forwardTo;
      ticket.history.push({ at: now, actor: 'system:routing', action: 'forward', from: 'open', to: 'forwarded', note: category.forwardTo });
    }
    const stored = await this.store.insert(ticket);
    this.emit({ type: 'created', ticket: stored });
    return stored;
  }

  /** Tells the listeners again of a ticket a recovered message had opened (live updates; nothing is stored). */
  announceRecovered(ticket: Ticket): void {
    this.emit({ type: 'recovered', ticket });
  }

  /** The ticket an intake message already opened, if any. */
  findByIntakeMessage(messageId: string): Promise<Ticket | null> {
    return this.store.findByIntakeMessage(messageId);
  }

  due(field: keyof Due, status: TicketStatus, limit = 200): Promise<Ticket[]> {
    return this.store.due(field, status, this.clock(), limit);
  }

  /**
   * Handles every due deadline of one kind, a batch at a time. Each is taken
   * as a lease (moved `leases.job` ahead in one atomic update, so one caller
   * gets it), handed to `act`, and removed once `act` has succeeded. If `act`
   * throws or the process dies, the deadline comes due again when the lease
   * ends and `act` runs again: `act` must be idempotent. Key what it does by
   * `dueKey`: the ticket's version does not change while a deadline is leased,
   * and every transition sets its deadlines afresh or removes them, so a
   * deadline and the version it was set at go together. A ticket whose act
   * failed waits for its lease; the others are still handled, then the first
   * error is thrown. Returns how many were handled.
   */
  async takeEachDue(field: keyof Due, status: TicketStatus, act: (ticket: Ticket) => Promise<void>, batch = 200): Promise<number> {
    let handled = 0;
    let failure: { error: unknown } | undefined;
    for (let round = 0; round < 10_000; round++) {
      const due = await this.store.due(field, status, this.clock(), batch);
      for (const candidate of due) {
        try {
          if (await this.takeDue(candidate.number, field, status, act)) handled++;
        } catch (error) {
          failure ??= { error };
        }
      }
      if (due.length < batch) break;
    }
    if (failure) throw failure.error;
    return handled;
  }

  /** The same for one ticket (e.g. right after it was created); false when it is not due or someone else holds it. */
  async takeDue(number: string, field: keyof Due, status: TicketStatus, act: (ticket: Ticket) => Promise<void>): Promise<boolean> {
    const now = this.clock();
    const leaseUntil = new Date(now.getTime() + (this.config.leases?.job ?? DUE_LEASE_MS));
    const ticket = await this.store.takeDue(number, field, status, now, leaseUntil);
    if (!ticket) return false;
    await act(ticket);
    await this.store.clearDue(number, field, leaseUntil, this.clock());
    return true;
  }

  /**
   * The reporter answered "not solved" without a reason and is asked for one:
   * unless the reason (or a "yes") comes first, the confirmation job reopens the
   * ticket at `until`. False when the ticket is no longer waiting for a confirmation.
   */
  awaitReopenReason(number: string, until: Date): Promise<boolean> {
    return this.store.setDue(number, 'reopenReason', 'resolved', until, this.clock());
  }

  /** Records a missed SLA target once per deadline (`key`, e.g. from `dueKey`), however often it is retried. */
  recordBreach(number: string, kind: 'firstResponse' | 'followUp', agency: string | undefined, key: string): Promise<boolean> {
    return this.store.recordBreach(number, { kind, at: this.clock(), ...(agency ? { agency } : {}), key });
  }

  /**
   * The citizen's rating (1–5) of a ticket closed on their "yes": the first one counts, stored in one
   * conditional update that leaves the version alone. `rated_before` when a rating is there already (another
   * follower's, or this message processed again), `not_rateable` when the ticket was not closed as confirmed.
   */
  async rate(number: string, score: Satisfaction['score'], rater: Rater): Promise<{ outcome: 'stored' | 'rated_before' | 'not_rateable'; ticket: Ticket }> {
    const ticket = await this.get(number);
    if (ticket.satisfaction) return { outcome: 'rated_before', ticket };
    if (!rateable(ticket)) return { outcome: 'not_rateable', ticket };
    const satisfaction: Satisfaction = { score, at: this.clock(), by: raterOf(ticket, rater) };
    if (await this.store.rate(number, satisfaction)) return { outcome: 'stored', ticket: { ...ticket, satisfaction } };
    return { outcome: 'rated_before', ticket: await this.get(number) };
  }

  /**
   * The ticket's public status token: the one it has, or (a ticket older than the status links) a new one set
   * in one conditional update that only a ticket without one takes, so two callers end with the same token.
   */
  async publicToken(ticket: Pick<Ticket, 'number' | 'publicToken'>): Promise<string> {
    if (ticket.publicToken !== undefined) return ticket.publicToken;
    const token = await this.store.setPublicToken(ticket.number, newPublicToken());
    if (token === undefined) throw new TicketNotFoundError(ticket.number);
    return token;
  }

  /**
   * The nearest still-open ticket (nearby.ts, STILL_OPEN) of `category` within `radiusMetres` of `center`, created
   * within `withinMs`: what a citizen about to report is asked about (README, "Same problem, many reporters"). Not
   * one `asker` reported themselves: following their own ticket would tell them nothing new (it stays a new report).
   */
  async findNearbyOpen(category: string, center: GeoPoint, radiusMetres: number, withinMs: number, asker?: { channel: Channel; channelUserId: string }): Promise<NearbyMatch | undefined> {
    const now = this.clock();
    const since = new Date(now.getTime() - withinMs);
    const candidates: NearbyCandidate[] = await this.store.nearby({ category, center, radiusMetres, since, now, statuses: STILL_OPEN, limit: 200 });
    const others = asker ? candidates.filter((c) => c.channel !== asker.channel || c.reporter?.channelUserId !== asker.channelUserId) : candidates;
    return nearest(center, others, radiusMetres);
  }

  /**
   * A citizen joins a still-open ticket as a follower instead of opening another: one update, once per intake
   * message. `gone` when the ticket moved on (resolved, closed…) or does not exist. The version stays: following is
   * no step of the life cycle, so an operator's open screen stays valid.
   */
  addFollower(number: string, follower: Follower): Promise<'added' | 'already' | 'gone'> {
    return this.store.addFollower(number, follower, STILL_OPEN, this.clock());
  }

  async get(number: string): Promise<Ticket> {
    const ticket = await this.store.findByNumber(number);
    if (!ticket) throw new TicketNotFoundError(number);
    return ticket;
  }

  async transition<A extends TransitionAction>(number: string, action: A, input: TransitionInputs[A], options: TransitionOptions): Promise<Ticket> {
    const current = await this.get(number);
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) throw new ConcurrentUpdateError(number, action);
    this.checkInput(action, input, current.status, number);
    const now = this.clock();
    const change = planTransition(current, action, input, { actor: options.actor, note: options.note, now, sla: this.config.sla, timeZone: this.config.city.timezone });
    const updated = await this.store.applyChange(number, { status: current.status, version: current.version }, change, now);
    if (!updated) {
      const latest = await this.get(number);
      if (!TRANSITIONS[action].from.includes(latest.status)) throw new IllegalTransitionError(number, action, latest.status);
      throw new ConcurrentUpdateError(number, action);
    }
    this.emit({ type: 'transition', ticket: updated, action, from: current.status });
    return updated;
  }

  private checkInput(action: TransitionAction, input: TransitionInputs[TransitionAction], status: TicketStatus, number: string): void {
    if (action === 'route' && 'agency' in input) {
      if (!this.config.agencies.some((a) => a.code === input.agency)) {
        throw new InvalidTicketInputError([{ field: 'agency', problem: 'unknown_agency', limit: input.agency, message: `unknown agency "${input.agency}"` }]);
      }
      if (input.category !== undefined && !this.config.categories.some((c) => c.code === input.category)) {
        throw new InvalidTicketInputError([{ field: 'category', problem: 'unknown_category', limit: input.category, message: `unknown category "${input.category}"` }]);
      }
    }
    if (action === 'forward' && 'forwardTo' in input && !(input.forwardTo in this.config.forwarding)) {
      throw new InvalidTicketInputError([{ field: 'forwardTo', problem: 'unknown_forwarding', limit: input.forwardTo, message: `unknown forwarding channel "${input.forwardTo}"` }]);
    }
    if (action === 'submitResult' && 'text' in input && input.text.trim() === '') {
      throw new IllegalTransitionError(number, action, status, 'result_text_required');
    }
  }

  private emit(event: TicketEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing observer (metrics, live updates) must not turn a stored change into an error.
      }
    }
  }
}
