// Which events another instance has published since the last poll, read by
// `_id` equality only (the embedded FerretDB pushes down nothing else: a range
// or a sort reads the whole table). Publishers take sequence numbers from a
// counter document and then insert; a reader that sees the counter ahead of a
// missing event waits for it a short while (its writer is between the two
// steps) and then skips it (its writer died in between). Pure: no I/O, no clock.

export interface ReaderState {
  /** The first number not yet asked for. */
  readonly next: number;
  /** Numbers asked for but not found yet, with when they were first missed (ms). */
  readonly missing: ReadonlyMap<number, number>;
}

export interface ReadPlan {
  /** Missing numbers to ask again, then the new ones in order. */
  readonly seqs: readonly number[];
  /** New numbers left unread because more than `max` arrived since the last poll (a long-stalled reader catches up at once). */
  readonly skipped: number;
}

export const startAt = (latest: number): ReaderState => ({ next: latest + 1, missing: new Map() });

/** What to read now that the counter stands at `latest`: at most `max` new numbers, the newest ones. */
export function planRead(state: ReaderState, latest: number, max: number): ReadPlan {
  const from = Math.max(state.next, latest - max + 1);
  const fresh: number[] = [];
  for (let seq = from; seq <= latest; seq++) fresh.push(seq);
  return { seqs: [...state.missing.keys(), ...fresh], skipped: Math.max(0, from - state.next) };
}

export interface Settled {
  readonly state: ReaderState;
  /** Numbers given up on this time: their writer never inserted them within the grace. */
  readonly abandoned: readonly number[];
}

/** After reading `plan`, `found` of them exist: the rest stay missing until `graceMs` has passed since first missed. */
export function settle(state: ReaderState, latest: number, plan: ReadPlan, found: ReadonlySet<number>, now: number, graceMs: number): Settled {
  // A counter below what was already read means the collection was emptied (a restored database): start from it.
  if (latest < state.next - 1) return { state: startAt(latest), abandoned: [] };
  const missing = new Map<number, number>();
  const abandoned: number[] = [];
  for (const seq of plan.seqs) {
    if (found.has(seq)) continue;
    const since = state.missing.get(seq) ?? now;
    if (now - since >= graceMs) abandoned.push(seq);
    else missing.set(seq, since);
  }
  return { state: { next: Math.max(state.next, latest + 1), missing }, abandoned };
}
