// The transition table on its own: every status × action pair is either a
// legal move to the documented status or an IllegalTransitionError.
import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../src/tickets/errors.js';
import { TICKET_STATUSES, type TicketStatus } from '../../src/tickets/model.js';
import { milestoneOf, planTransition, TRANSITION_ACTIONS, type TransitionAction } from '../../src/tickets/transitions.js';
import { defaultConfig } from '../support/config.js';
import { TRANSITION_INPUTS } from '../support/transitions.js';

const sla = defaultConfig().sla;
const now = new Date('2026-11-24T03:00:00Z');
const INPUTS = TRANSITION_INPUTS;
const LEGAL: Record<TransitionAction, Partial<Record<TicketStatus, TicketStatus>>> = {
  route: { open: 'open', in_progress: 'open' },
  forward: { open: 'forwarded' },
  reject: { open: 'rejected' },
  respond: { open: 'in_progress' },
  submitResult: { in_progress: 'in_progress' },
  validate: { in_progress: 'resolved' },
  returnToAgency: { in_progress: 'in_progress' },
  confirm: { resolved: 'closed' },
  reopen: { resolved: 'in_progress', closed: 'in_progress' },
  closeNoConfirmation: { resolved: 'closed' },
  merge: { open: 'closed', in_progress: 'closed' },
  // From a ticket closed by a merge (unmerge refuses any other: see below).
  unmerge: { closed: 'open' },
};
const withResult = { text: 'Sudah ditambal', attachments: [], at: now, by: 'agency:DPUPR/budi' as const };

describe('planTransition', () => {
  for (const action of TRANSITION_ACTIONS) {
    for (const status of TICKET_STATUSES) {
      const expected = LEGAL[action][status];
      it(`${action} from ${status} ${expected ? `→ ${expected}` : 'is illegal'}`, () => {
        const ticket = { number: 'ADU-2611-00001', status, result: withResult, ...(action === 'unmerge' ? { closeReason: 'merged' as const } : {}) };
        const plan = () => planTransition(ticket, action, INPUTS[action] as never, { actor: 'operator:siti', now, sla, note: 'alasan' });
        if (expected) expect(plan()).toMatchObject({ status: expected, history: { from: status, to: expected, action, actor: 'operator:siti', note: 'alasan' } });
        else expect(plan).toThrow(IllegalTransitionError);
      });
    }
  }

  it('sets the deadlines the scheduler queries', () => {
    const responded = planTransition({ number: 'X', status: 'open' }, 'respond', {}, { actor: 'agency:DPUPR/budi', now, sla });
    expect(responded.set).toMatchObject({ firstRespondedAt: now, 'due.followUp': new Date(now.getTime() + 3 * 86_400_000) });
    expect(responded.unset).toContain('due.firstResponse');

    const validated = planTransition({ number: 'X', status: 'in_progress', result: withResult }, 'validate', {}, { actor: 'operator:siti', now, sla });
    expect(validated.set).toMatchObject({
      resolvedAt: now,
      'due.confirmationReminder': new Date(now.getTime() + 7 * 86_400_000),
      'due.autoClose': new Date(now.getTime() + 14 * 86_400_000),
    });
  });

  it('owes the reporter a milestone message in the same update: taken up, transferred elsewhere, forwarded, result ready; no other', () => {
    const milestones = TRANSITION_ACTIONS.filter((action) => {
      const from = Object.keys(LEGAL[action])[0] as TicketStatus;
      const plan = planTransition({ number: 'X', status: from, result: withResult, agency: 'DPUPR', ...(action === 'unmerge' ? { closeReason: 'merged' as const } : {}) }, action, INPUTS[action] as never, { actor: 'operator:siti', now, sla, note: 'alasan' });
      expect(plan.set['due.milestone'] === undefined).toBe(plan.unset.includes('due.milestone')); // set, or cleared: never an older one left owed
      return plan.set['due.milestone'] !== undefined;
    });
    expect(milestones.sort()).toEqual(['forward', 'respond', 'route', 'submitResult']);
    const sameAgency = planTransition({ number: 'X', status: 'open', agency: 'DLH' }, 'route', { agency: 'DLH', category: 'sampah' }, { actor: 'operator:siti', now, sla });
    expect(sameAgency.unset).toContain('due.milestone'); // a corrected category, not a transfer
  });

  it('merges into another ticket only, naming it; undoes only a merge, with a fresh first-response deadline', () => {
    const merged = planTransition({ number: 'X', status: 'in_progress', agency: 'DPUPR' }, 'merge', { into: 'Y' }, { actor: 'operator:siti', now, sla });
    expect(merged).toMatchObject({ status: 'closed', set: { closeReason: 'merged', closedAt: now, mergedInto: 'Y' }, history: { action: 'merge', ticket: 'Y' } });
    expect(merged.unset).toEqual(expect.arrayContaining(['due.followUp', 'due.milestone', 'deadline']));
    expect(() => planTransition({ number: 'X', status: 'open' }, 'merge', { into: 'X' }, { actor: 'operator:siti', now, sla })).toThrow(/into itself/);
    expect(() => planTransition({ number: 'X', status: 'closed', closeReason: 'confirmed' }, 'unmerge', { from: 'Y' }, { actor: 'operator:siti', now, sla })).toThrow(/not closed by a merge/);
    expect(() => planTransition({ number: 'X', status: 'closed', closeReason: 'merged' }, 'reopen', {}, { actor: 'operator:siti', now, sla, note: 'salah gabung' })).toThrow(/splitting its reporter out/);
    const back = planTransition({ number: 'X', status: 'closed', closeReason: 'merged', agency: 'DPUPR' }, 'unmerge', { from: 'Y' }, { actor: 'operator:siti', now, sla });
    expect(back).toMatchObject({ status: 'open', set: { 'due.firstResponse': new Date(now.getTime() + 86_400_000), 'due.agencyNotice': now }, history: { action: 'unmerge', ticket: 'Y' } });
    expect(back.unset).toEqual(expect.arrayContaining(['closeReason', 'closedAt', 'mergedInto', 'result']));
    expect(back.set.deadline).toMatchObject({ kind: 'firstResponse' });
  });

  it('keeps the milestone of the last life-cycle step owed past entries that are none (followers joining or split out)', () => {
    const at = now;
    const history = [
      { at, actor: 'operator:siti' as const, action: 'create', from: null, to: 'open' as const },
      { at, actor: 'agency:DPUPR/budi' as const, action: 'respond', from: 'open' as const, to: 'in_progress' as const },
      { at, actor: 'operator:siti' as const, action: 'merge_in', from: 'in_progress' as const, to: 'in_progress' as const, ticket: 'Y' },
    ];
    expect(milestoneOf({ history })).toBe('takenUp');
  });

  it('refuses validation without a result, and a reopen or rejection without a reason', () => {
    expect(() => planTransition({ number: 'X', status: 'in_progress' }, 'validate', {}, { actor: 'operator:siti', now, sla })).toThrow(/has not submitted a result/);
    expect(() => planTransition({ number: 'X', status: 'resolved' }, 'reopen', {}, { actor: 'reporter', now, sla, note: '  ' })).toThrow(/reason is required/);
    expect(() => planTransition({ number: 'X', status: 'open' }, 'reject', {}, { actor: 'operator:siti', now, sla })).toThrow(/reason is required/);
  });
});
