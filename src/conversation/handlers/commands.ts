// Commands a person may type at any point (matched as the whole message, see
// ../commands.ts): cancel, menu, help, language, status; an unknown /command
// is answered, never taken as an answer.
import type { Handler } from '../chain.js';
import type { TurnContext } from '../context.js';
import { idleState } from '../state.js';
import { statusReply } from '../ticket-lookup.js';
import { runOutcome, startReport } from './flow.js';

export const commands: Handler = async (ctx, next) => {
  const { command, state } = ctx;
  const prompt = () => ctx.engine.promptFor(ctx.state);
  switch (command?.type) {
    case undefined:
      await next();
      return;
    case 'cancel':
      ctx.state = idleState(state.locale, state.profile, state.pendingConfirmation);
      ctx.reply({ text: ctx.t('cancelled') });
      return;
    case 'menu':
      await runOutcome(ctx, startReport(ctx));
      return;
    case 'help':
      ctx.reply({ text: ctx.t('help') }, ...prompt());
      return;
    case 'language':
      ctx.state = { ...state, locale: command.locale };
      ctx.reply({ text: ctx.t('language_set') }, ...prompt());
      return;
    case 'unknown':
      ctx.reply({ text: ctx.t('unknown_command') }, ...prompt());
      return;
    case 'status':
      // The number answers the flow's own status question when that is the question.
      if (command.number && asksTicketNumber(ctx)) await next();
      // Any other time, the status, then the question the person was at, again.
      else if (command.number) ctx.reply(await statusReply(ctx, command.number), ...prompt());
      // "status" alone asks for the number, in the flow's own status step.
      else await runOutcome(ctx, startReport(ctx, 'status_number'));
      return;
  }
};

function asksTicketNumber(ctx: TurnContext): boolean {
  const { flow, step } = ctx.state;
  return flow !== undefined && ctx.services.flow.steps.some((s) => s.id === step && s.ask === 'ticket_number');
}
