// A channel where a report arrives in one piece (email): with no report
// under way, the message is a whole new report; the facts it lacks are asked
// for in one reply (the engine's one-shot intake), and the answers to that
// continue in the flow handler.
import type { Handler } from '../chain.js';
import { idleState } from '../state.js';
import { runOutcome } from './flow.js';

export const oneShot: Handler = async (ctx, next) => {
  if (ctx.state.flow || !ctx.capabilities.oneShot) {
    await next();
    return;
  }
  const { state } = ctx;
  ctx.startSession();
  await runOutcome(ctx, ctx.engine.startOneShot(idleState(state.locale, state.profile, state.pendingConfirmation), ctx.known, ctx.message));
};
