// The reader's bookkeeping (src/bus/sequence.ts): which numbers to read, how a
// number taken but not yet written is waited for, then given up on.
import { describe, expect, it } from 'vitest';
import { planRead, settle, startAt } from '../../src/bus/sequence.js';

describe('reading the events collection by sequence number', () => {
  it('starts after what was published before it started, and reads only what is new', () => {
    const state = startAt(41);
    expect(planRead(state, 41, 100)).toEqual({ seqs: [], skipped: 0 });
    const plan = planRead(state, 44, 100);
    expect(plan).toEqual({ seqs: [42, 43, 44], skipped: 0 });
    const { state: after, abandoned } = settle(state, 44, plan, new Set([42, 43, 44]), 1_000, 3_000);
    expect(after).toEqual({ next: 45, missing: new Map() });
    expect(abandoned).toEqual([]);
  });

  it('does not stall on a number its writer has not inserted yet: the later ones are read, the missing one asked again', () => {
    const plan = planRead(startAt(0), 3, 100);
    const first = settle(startAt(0), 3, plan, new Set([1, 3]), 1_000, 3_000);
    expect(first.state).toEqual({ next: 4, missing: new Map([[2, 1_000]]) });
    // Next poll: the missing one first, then the new ones; it arrived meanwhile.
    const again = planRead(first.state, 5, 100);
    expect(again.seqs).toEqual([2, 4, 5]);
    const second = settle(first.state, 5, again, new Set([2, 4, 5]), 1_200, 3_000);
    expect(second.state).toEqual({ next: 6, missing: new Map() });
  });

  it('gives a number up once its writer has had the grace to insert it (it died between the two steps)', () => {
    let state = settle(startAt(0), 1, planRead(startAt(0), 1, 100), new Set(), 1_000, 3_000).state;
    // Still asked for within the grace, keeping when it was first missed.
    let settled = settle(state, 1, planRead(state, 1, 100), new Set(), 3_999, 3_000);
    expect(settled.state.missing).toEqual(new Map([[1, 1_000]]));
    expect(settled.abandoned).toEqual([]);
    state = settled.state;
    settled = settle(state, 2, planRead(state, 2, 100), new Set([2]), 4_000, 3_000);
    expect(settled.abandoned).toEqual([1]);
    expect(settled.state).toEqual({ next: 3, missing: new Map() });
  });

  it('catches up at once after a long stall, skipping the oldest (stale) events beyond the limit', () => {
    const plan = planRead(startAt(0), 1_000, 10);
    expect(plan.seqs).toEqual([991, 992, 993, 994, 995, 996, 997, 998, 999, 1_000]);
    expect(plan.skipped).toBe(990);
    expect(settle(startAt(0), 1_000, plan, new Set(plan.seqs), 0, 3_000).state.next).toBe(1_001);
  });

  it('starts over from the counter when it went back (the database was restored or emptied)', () => {
    const state = { next: 500, missing: new Map([[498, 0]]) };
    const plan = planRead(state, 3, 100);
    expect(settle(state, 3, plan, new Set(), 10, 3_000).state).toEqual({ next: 4, missing: new Map() });
  });
});
