// An operator wrote to the person about a ticket: for `inbox.replyWindow`
// their messages join that ticket's thread for the operator to read. The
// first answer to each operator message is thanked once ("sudah kami
// teruskan"), so the person knows it arrived; the lines they add after it
// join the thread silently, as a chat with a person would. (Email threads by
// its headers instead: an unthreaded mail is a new report.) This handler owns
// `state.operatorChat`.
import type { Handler } from '../chain.js';
import type { Notice } from '../context.js';
import { asLateNotice } from '../notice-template.js';

export const operatorChat: Handler = async (ctx, next) => {
  const chat = ctx.state.operatorChat;
  if (ctx.state.flow || ctx.capabilities.oneShot || ctx.command !== undefined || !chat || Date.parse(chat.until) <= ctx.now.getTime()) {
    await next();
    return;
  }
  ctx.linkTicket(chat.ticket);
  if (chat.acknowledged === true) return;
  ctx.state = { ...ctx.state, operatorChat: { ...chat, acknowledged: true } };
  ctx.reply({ text: ctx.t('operator.acknowledged', { number: chat.ticket }) });
};

/**
 * An operator's message to the reporter of `ticket`; their answers until `until` go to the operator,
 * and the first of them is acknowledged. Outside WhatsApp's window it goes as the `operatorReply` template.
 */
export function operatorMessage(ticket: string, text: string, until: Date): Notice {
  const notice: Notice = (state, view) => ({
    state: { ...state, operatorChat: { ticket, until: until.toISOString() } },
    replies: [{ text: view.t(view.capabilities.oneShot ? 'operator.reply_by_mail' : 'operator.reply', { number: ticket, text }) }],
  });
  return asLateNotice(notice, 'operatorReply', [ticket, text]);
}
