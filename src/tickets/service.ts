// The ticket service: opens tickets and moves them through the life cycle.
// Every change is one conditional update on the status and version the
// decision was based on, so concurrent operators, jobs and instances can
// never both apply a transition from the same state.
import type { Config } from '../config/schema.js';
import { ConcurrentUpdateError, IllegalTransitionError, InvalidTicketInputError, TicketNotFoundError } from './errors.js';
import { type NewTicketInput, newTicketSchema } from './input.js';
import type { Actor, Due, HistoryEntry, Ticket, TicketStatus } from './model.js';
import { formatTicketNumber, ticketPeriod } from './numbers.js';
import type { TicketStore } from './store.js';
import { firstResponseDue, planTransition, TRANSITIONS, type TransitionAction, type TransitionInputs } from './transitions.js';

export type TicketEvent =
  | { readonly type: 'created'; readonly ticket: Ticket }
  | { readonly type: 'transition'; readonly ticket: Ticket; readonly action: TransitionAction; readonly from: TicketStatus };

export type TicketListener = (event: TicketEvent) => void;

export type TicketServiceConfig = Pick<Config, 'categories' | 'agencies' | 'forwarding' | 'sla' | 'limits' | 'ticketNumber'> & {
  readonly city: Pick<Config['city'], 'timezone'>;
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
      throw new InvalidTicketInputError(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`));
    }
    const data = parsed.data;
    const category = this.config.categories.find((c) => c.code === data.category);
    if (!category) throw new InvalidTicketInputError([`category: unknown category "${data.category}"`]);

    const now = this.clock();
    const period = ticketPeriod(now, this.config.city.timezone);
    const sequence = await this.store.nextSequence(period);
    const created: HistoryEntry = { at: now, actor, action: 'create', from: null, to: 'open' };
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
      due: {},
      reopenCount: 0,
      history: [created],
      version: 0,
      createdAt: now,
      updatedAt: now,
    };
    if (category.agency !== undefined) {
      ticket.agency = category.agency;
      ticket.due = { ...firstResponseDue(now, this.config.sla), agencyNotice: now };
      created.note = `agency ${category.agency}`;
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

  /** The ticket an intake message already opened, if any. */
  findByIntakeMessage(messageId: string): Promise<Ticket | null> {
    return this.store.findByIntakeMessage(messageId);
  }

  due(field: keyof Due, status: TicketStatus, limit = 200): Promise<Ticket[]> {
    return this.store.due(field, status, this.clock(), limit);
  }

  /**
   * Takes every due deadline of one kind, a batch at a time, and hands each
   * taken ticket to `act`. Taking removes the deadline, so the next batch
   * holds only what is left; tickets someone else took are skipped.
   */
  async takeEachDue(field: keyof Due, status: TicketStatus, act: (ticket: Ticket) => Promise<void>, batch = 200): Promise<number> {
    let taken = 0;
    for (let round = 0; round < 10_000; round++) {
      const due = await this.store.due(field, status, this.clock(), batch);
      for (const candidate of due) {
        const ticket = await this.store.takeDue(candidate.number, field, status, this.clock());
        if (!ticket) continue;
        await act(ticket);
        taken++;
      }
      if (due.length < batch) break;
    }
    return taken;
  }

  takeDue(number: string, field: keyof Due, status: TicketStatus): Promise<Ticket | null> {
    return this.store.takeDue(number, field, status, this.clock());
  }

  /** Puts a deadline back, e.g. to retry a notice whose sending failed. */
  setDue(number: string, field: keyof Due, at: Date): Promise<void> {
    return this.store.setDue(number, field, at);
  }

  recordBreach(number: string, kind: 'firstResponse' | 'followUp', agency: string | undefined): Promise<void> {
    return this.store.recordBreach(number, { kind, at: this.clock(), ...(agency ? { agency } : {}) });
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
    const change = planTransition(current, action, input, { actor: options.actor, note: options.note, now, sla: this.config.sla });
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
        throw new InvalidTicketInputError([`agency: unknown agency "${input.agency}"`]);
      }
      if (input.category !== undefined && !this.config.categories.some((c) => c.code === input.category)) {
        throw new InvalidTicketInputError([`category: unknown category "${input.category}"`]);
      }
    }
    if (action === 'forward' && 'forwardTo' in input && !(input.forwardTo in this.config.forwarding)) {
      throw new InvalidTicketInputError([`forwardTo: unknown forwarding channel "${input.forwardTo}"`]);
    }
    if (action === 'submitResult' && 'text' in input && input.text.trim() === '') {
      throw new IllegalTransitionError(number, action, status, 'the result needs a text');
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
