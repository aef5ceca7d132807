// One valid input for every transition, for tests that walk the whole table.
import type { TransitionInputs } from '../../src/tickets/transitions.js';

export const TRANSITION_INPUTS: TransitionInputs = {
  route: { agency: 'DLH' },
  forward: { forwardTo: 'sp4n_lapor' },
  reject: {},
  respond: {},
  submitResult: { text: 'Lubang sudah ditambal.' },
  validate: {},
  returnToAgency: {},
  confirm: {},
  reopen: {},
  closeNoConfirmation: {},
  merge: { into: 'ADU-2611-09999' },
  unmerge: { from: 'ADU-2611-09999' },
};
