// Merging two tickets about the same problem, and splitting a follower out
// again (issue 16). Two documents change, so neither is atomic: the writes are
// ordered so that repeating the same request completes whatever a crash left.
//
// Merge S into T: first S's own transition (`merge`, conditional on its version:
// S is closed `merged` with `mergedInto: T`), then S's reporter and S's
// followers pushed onto T in one update guarded by "no follower from S yet",
// then S's follower list emptied. A retry finds S merged into T already and
// completes what is missing.
//
// Split a follower out of T: first their own ticket (S reopened by `unmerge`
// when they came from it, else a new ticket from their description, photos and
// place, found again by their intake message on a retry), then their removal
// from T in one conditional update.
import { IllegalTransitionError, TicketError, TICKET_ERROR_CODES } from './errors.js';
import { type FollowerStore, followerMatch, isFollowerNamed, type MergeCandidate } from './followers.js';
import type { Actor, Follower, HistoryEntry, Ticket, TicketStatus } from './model.js';
import { distanceMetres } from './nearby.js';
import type { TicketService } from './service.js';

/** Statuses a ticket can take others in: before the agency's result, like the merge itself. */
const TAKES_MERGES: readonly TicketStatus[] = ['open', 'in_progress'];

export class FollowerNotFoundError extends TicketError {
  constructor(readonly number: string, readonly key: string) {
    super(TICKET_ERROR_CODES.NOT_FOUND, `ticket ${number} has no follower ${key}`);
  }
}

export interface MergeResult {
  /** S, closed as merged. */
  readonly source: Ticket;
  /** T, with its new followers. */
  readonly target: Ticket;
  /** Who joined T: S's reporter first, then S's own followers. */
  readonly moved: readonly Follower[];
}

export interface SplitResult {
  /** The follower's own ticket now: S reopened, or a new one. */
  readonly own: Ticket;
  readonly target: Ticket;
  readonly follower: Follower;
  readonly reopened: boolean;
}

/** S's reporter as a follower of another ticket, with what they reported, so it stays readable there. */
export function reporterAsFollower(source: Ticket, at: Date): Follower {
  const { reporter } = source;
  return {
    channel: source.channel,
    ...(reporter.channelUserId ? { channelUserId: reporter.channelUserId } : {}),
    ...(reporter.name ? { name: reporter.name } : {}),
    ...(reporter.phone ? { phone: reporter.phone } : {}),
    ...(reporter.email ? { email: reporter.email } : {}),
    ...(reporter.address ? { address: reporter.address } : {}),
    at,
    via: 'merge',
    description: source.description,
    ...(source.attachments.length > 0 ? { attachments: source.attachments } : {}),
    ...(source.location ? { location: source.location } : {}),
    ...(source.intake ? { intake: source.intake } : {}),
    fromTicket: source.number,
  };
}

export class TicketMerger {
  constructor(
    private readonly tickets: TicketService,
    private readonly followers: FollowerStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async merge(sourceNumber: string, targetNumber: string, options: { actor: Actor; expectedVersion?: number }): Promise<MergeResult> {
    let source = await this.tickets.get(sourceNumber);
    const target = await this.tickets.get(targetNumber);
    if (source.number === target.number) throw new IllegalTransitionError(source.number, 'merge', source.status, 'merge_self');
    const decided = source.status === 'closed' && source.closeReason === 'merged' && source.mergedInto === target.number;
    if (!decided) {
      if (!TAKES_MERGES.includes(target.status)) throw new IllegalTransitionError(target.number, 'merge', target.status, 'merge_target_closed');
      source = await this.tickets.transition(source.number, 'merge', { into: target.number }, { actor: options.actor, ...(options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion }) });
      // The target was closed meanwhile (merged the other way at the same moment, say): this merge is undone, so
      // nobody ends up following a closed ticket and two tickets never close into each other.
      const now = await this.tickets.get(target.number);
      if (!TAKES_MERGES.includes(now.status)) {
        await this.tickets.transition(source.number, 'unmerge', { from: target.number }, { actor: options.actor });
        throw new IllegalTransitionError(target.number, 'merge', now.status, 'merge_target_closed');
      }
    }
    // S keeps its followers until they are on T, so a retry after a crash can still bring them.
    const at = source.closedAt ?? this.clock();
    const moved = [reporterAsFollower(source, at), ...(source.followers ?? [])];
    const entry: HistoryEntry = { at: this.clock(), actor: options.actor, action: 'merge_in', from: target.status, to: target.status, ticket: source.number };
    await this.followers.addMerged(target.number, source.number, moved, entry, this.clock());
    // They follow the first ticket now (added above, or by an earlier try): the closed one no longer counts them.
    if (source.followers !== undefined) await this.followers.clearMerged(source.number, target.number, this.clock());
    return { source: await this.tickets.get(source.number), target: await this.tickets.get(target.number), moved };
  }

  /**
   * Tickets this one may be the same problem as, for the operator to pick: still taking merges, of its category,
   * within `radiusMetres` of its pin and created within `withinMs` (the conversation's nearby offer), the nearest
   * first. None for a ticket without a pin, or one that cannot be merged any more.
   */
  async candidates(ticket: Ticket, settings: { radiusMetres: number; withinMs: number }, limit = 5): Promise<(MergeCandidate & { distance: number })[]> {
    const { latitude, longitude } = ticket.location ?? {};
    if (latitude === undefined || longitude === undefined || !TAKES_MERGES.includes(ticket.status)) return [];
    const center = { latitude, longitude };
    const now = this.clock();
    const found = await this.followers.nearby({ category: ticket.category, center, radiusMetres: settings.radiusMetres, since: new Date(now.getTime() - settings.withinMs), now, statuses: TAKES_MERGES, limit: 200 });
    return found
      .flatMap((c) => {
        const at = c.location;
        if (c.number === ticket.number || at?.latitude === undefined || at.longitude === undefined) return [];
        const distance = distanceMetres(center, { latitude: at.latitude, longitude: at.longitude });
        return distance <= settings.radiusMetres ? [{ ...c, distance: Math.round(distance) }] : [];
      })
      .sort((a, b) => a.distance - b.distance || a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, limit);
  }

  async split(targetNumber: string, key: string, options: { actor: Actor }): Promise<SplitResult> {
    const target = await this.tickets.get(targetNumber);
    const follower = (target.followers ?? []).find((f) => isFollowerNamed(f, key));
    if (!follower) throw new FollowerNotFoundError(target.number, key);
    const { own, reopened } = follower.fromTicket !== undefined ? await this.reopen(follower.fromTicket, target, options.actor) : { own: await this.newTicket(follower, target, options.actor), reopened: false };
    const entry: HistoryEntry = { at: this.clock(), actor: options.actor, action: 'split_out', from: target.status, to: target.status, ticket: own.number };
    await this.followers.remove(target.number, followerMatch(follower), entry, this.clock());
    return { own, target: await this.tickets.get(target.number), follower, reopened };
  }

  /** The ticket the follower had opened, back to open (already so on a retry). */
  private async reopen(number: string, target: Ticket, actor: Actor): Promise<{ own: Ticket; reopened: boolean }> {
    const own = await this.tickets.get(number);
    if (own.status !== 'closed' || own.closeReason !== 'merged') return { own, reopened: true };
    return { own: await this.tickets.transition(own.number, 'unmerge', { from: target.number }, { actor }), reopened: true };
  }

  /** A new ticket for a follower who never had one (they joined as a nearby duplicate): routed and timed like any report. */
  private async newTicket(follower: Follower, target: Ticket, actor: Actor): Promise<Ticket> {
    const earlier = follower.intake ? await this.tickets.findByIntakeMessage(follower.intake.messageId) : null;
    const own = earlier && earlier.number !== target.number ? earlier : await this.tickets.create({
      channel: follower.channel,
      reporter: { name: follower.name, phone: follower.phone, email: follower.email, address: follower.address, channelUserId: follower.channelUserId },
      category: target.category,
      description: follower.description ?? target.description,
      attachments: (follower.attachments ?? []).map(({ public: _shown, ...ref }) => ref),
      ...(follower.location ? { location: follower.location } : {}),
      ...(follower.intake ? { intake: follower.intake } : {}),
    }, actor);
    await this.followers.addHistoryOnce(own.number, { at: this.clock(), actor, action: 'split_from', from: own.status, to: own.status, ticket: target.number }, this.clock());
    return own;
  }
}
