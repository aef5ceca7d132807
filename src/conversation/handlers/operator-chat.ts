// An operator wrote to the person about a ticket: for `inbox.replyWindow`
// their messages join that ticket's thread for the operator to read, and the
// bot stays quiet. (Email threads by its headers instead: an unthreaded mail
// is a new report.) This handler owns `state.operatorChat`.
import type { Handler } from '../chain.js';
import type { Notice } from '../context.js';

export const operatorChat: Handler = async (ctx, next) => {
  const chat = ctx.state.operatorChat;
  if (ctx.state.flow || ctx.capabilities.oneShot || ctx.command !== undefined || !chat || Date.parse(chat.until) <= ctx.now.getTime()) {
    await next();
    return;
  }
  ctx.linkTicket(chat.ticket);
};

/** An operator's message to the reporter of `ticket`; their answers until `until` go to the operator. */
export function operatorMessage(ticket: string, text: string, until: Date): Notice {
  return (state, view) => ({
    state: { ...state, operatorChat: { ticket, until: until.toISOString() } },
    replies: [{ text: view.t(view.capabilities.oneShot ? 'operator.reply_by_mail' : 'operator.reply', { number: ticket, text }) }],
  });
}
