// Commands a person may type at any point (matched as the whole message, see
// ../commands.ts): cancel, menu, help, language, status; an unknown /command
// is answered, never taken as an answer.
import type { Handler } from '../chain.js';
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
      // "status" alone asks for the number, in the flow's own status step.
      if (command.number) ctx.reply(await statusReply(ctx, command.number), ...prompt());
      else await runOutcome(ctx, startReport(ctx, 'status_number'));
      return;
  }
};
