// The complaint flow (flows/*.yaml through the pure engine): a message with
// no flow running starts a report; otherwise it answers the flow's question.
// The engine pauses at action steps (open the ticket, look up a status,
// answer a question); they are carried out here and the flow continues.
import type { Handler } from '../chain.js';
import type { TurnContext } from '../context.js';
import type { Outcome } from '../engine.js';
import { idleState } from '../state.js';

/** A flow has at most a few action steps in a row; more means a loop in the flow file. */
const MAX_EFFECTS = 5;

export const flow: Handler = async (ctx) => {
  if (!ctx.state.flow) await runOutcome(ctx, startReport(ctx));
  else await runOutcome(ctx, ctx.engine.answer(ctx.state, ctx.message));
};

/** A fresh start of the flow (at its start or at one of its steps): a new session, bound to no ticket yet. */
export function startReport(ctx: TurnContext, at?: string): Outcome {
  const { state } = ctx;
  ctx.startSession();
  return ctx.engine.start(idleState(state.locale, state.profile, state.pendingConfirmation), ctx.known, at);
}

/** Takes an engine outcome: its replies and state, and the effects it asks for, one after another. */
export async function runOutcome(ctx: TurnContext, first: Outcome): Promise<void> {
  let outcome = first;
  ctx.reply(...outcome.replies);
  ctx.state = outcome.state;
  for (let done = 0; outcome.effect && done < MAX_EFFECTS; done++) {
    const { action, retryStep } = outcome.effect;
    const actionStep = outcome.state.step ?? '';
    const result = await ctx.services.effects.perform(action, outcome.state, ctx);
    ctx.reply(...result.replies);
    if (result.ticket) ctx.linkTicket(result.ticket.number);
    if (!result.ok) {
      // Back to the question whose answer led here, so the person can try again.
      ctx.state = { ...outcome.state, step: retryStep };
      return;
    }
    outcome = ctx.engine.continueAfter(result.state ?? outcome.state, actionStep, result.no ? 'no' : 'yes');
    ctx.reply(...outcome.replies);
    ctx.state = outcome.state;
  }
}
