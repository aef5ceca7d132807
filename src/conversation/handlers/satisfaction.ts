// "Seberapa puas…?" (issue #16): right after a person's "yes, solved" closes
// a ticket, they are asked once how satisfied they are, 1 to 5, with buttons
// where the channel has them (a numbered list elsewhere; WhatsApp shows the
// five as a list message, its buttons being three at most). Their next
// message is read as the rating until `conversation.ratingWindow`: a number,
// stars, a button, or words ("puas banget", "biasa aja", "kecewa"; rating.ts).
// Thanks alone ("makasih") is answered once and the question stays; a number
// off the scale is asked again; anything else is no rating: the question is
// dropped and the message goes on (it may be a new report). The first rating
// of a ticket is stored (TicketService.rate). This handler owns `state.pendingRating`.
import type { Ticket } from '../../tickets/model.js';
import type { Handler } from '../chain.js';
import type { NoticeView, TurnContext } from '../context.js';
import type { OutboundMessage } from '../messages.js';
import { readRating, type Score } from '../rating.js';
import type { ConversationState } from '../state.js';
import { LOCALES } from '../texts.js';

const SCORES: readonly Score[] = [1, 2, 3, 4, 5];

export const satisfaction: Handler = async (ctx, next) => {
  const pending = ctx.state.pendingRating;
  if (!pending) {
    await next();
    return;
  }
  if (Date.parse(pending.until) <= ctx.now.getTime()) {
    ctx.state = withoutRating(ctx.state);
    await next();
    return;
  }
  // On email only a reply in the ticket's thread answers; a new mail is a new matter and the question stays.
  if (ctx.state.flow || ctx.command !== undefined || (ctx.capabilities.oneShot && ctx.message.replyTo?.ticketNumber !== pending.ticket)) {
    await next();
    return;
  }
  const labels = Object.fromEntries(SCORES.map((score) => [score, LOCALES.map((locale) => ctx.services.texts.t(locale, `satisfaction.choice.${String(score)}`))]));
  const answer = readRating(ctx.message.text, labels);
  if (!answer || ('courtesy' in answer && pending.nudged === true)) {
    ctx.state = withoutRating(ctx.state);
    await next();
    return;
  }
  ctx.linkTicket(pending.ticket);
  if ('courtesy' in answer) {
    ctx.state = { ...ctx.state, pendingRating: { ...pending, nudged: true } };
    ctx.reply(question(ctx, 'satisfaction.courtesy', pending.ticket));
    return;
  }
  if ('outOfRange' in answer) {
    ctx.reply(question(ctx, 'satisfaction.retry', pending.ticket));
    return;
  }
  ctx.state = withoutRating(ctx.state);
  const { outcome, ticket } = await ctx.services.tickets.rate(pending.ticket, answer.score, { channel: ctx.message.channel, channelUserId: ctx.message.channelUserId });
  if (outcome !== 'stored') ctx.services.logger.info({ ticket: ticket.number, outcome }, 'satisfaction rating not stored');
  const agency = ctx.services.config.agencies.find((a) => a.code === ticket.agency)?.name ?? ticket.agency ?? '';
  ctx.reply({ text: ctx.t(answer.score <= 2 ? 'satisfaction.thanks_low' : 'satisfaction.thanks', { score: answer.score, agency }) });
};

function withoutRating(state: ConversationState): ConversationState {
  const { pendingRating: _rating, ...rest } = state;
  return rest;
}

/** The question (or its repeat) with the five answers, "Tidak puas" (1) to "Sangat puas" (5); their values are the scores. */
function question(view: NoticeView, key: string, number: string): OutboundMessage {
  return { text: view.t(key, { number }), choices: SCORES.map((score) => ({ value: String(score), label: view.t(`satisfaction.choice.${String(score)}`) })) };
}

/**
 * Asks the person whose "yes" just closed `ticket` how satisfied they are (called by the confirmation
 * handler after its thanks); the message and the answer join the ticket's thread.
 */
export function askRating(ctx: TurnContext, ticket: Pick<Ticket, 'number'>): void {
  const until = new Date(ctx.now.getTime() + ctx.services.config.conversation.ratingWindow);
  ctx.state = { ...ctx.state, pendingRating: { ticket: ticket.number, until: until.toISOString() } };
  ctx.linkTicket(ticket.number);
  ctx.reply(question(ctx, ctx.capabilities.oneShot ? 'satisfaction.ask_by_mail' : 'satisfaction.ask', ticket.number));
}
