// "Has the problem been solved?" (SOP steps 12–15). The confirmation job asks
// through the notices below; the person's yes closes the ticket, a no
// reopens it with their words. This handler owns `state.pendingConfirmation`.
// A report being filled in keeps its own questions: the answer waits until
// it ends. On a one-shot channel (email) only a reply in the ticket's thread
// answers: a new mail saying "Tidak ada lampu…" is a new report, not a "no".
import type { Ticket } from '../../tickets/model.js';
import { answerConfirm } from '../answers.js';
import type { Handler } from '../chain.js';
import type { Notice, NoticeView, TurnContext } from '../context.js';
import type { OutboundMessage } from '../messages.js';

export const confirmation: Handler = async (ctx, next) => {
  const { state, message } = ctx;
  const pending = state.pendingConfirmation;
  const eligible = pending !== undefined && !state.flow && ctx.command === undefined && (!ctx.capabilities.oneShot || message.replyTo?.ticketNumber === pending);
  const answer = eligible ? answerConfirm(message, ctx.t('yes'), ctx.t('no')) : undefined;
  if (pending === undefined || !answer?.ok) {
    await next();
    return;
  }
  const { pendingConfirmation: _answered, ...rest } = state;
  ctx.state = rest;
  ctx.reply(await resolve(ctx, pending, answer.value, message.text ?? ''));
};

async function resolve(ctx: TurnContext, number: string, solved: boolean, words: string): Promise<OutboundMessage> {
  const { tickets, config, logger } = ctx.services;
  try {
    const ticket = solved
      ? await tickets.transition(number, 'confirm', {}, { actor: 'reporter' })
      : await tickets.transition(number, 'reopen', {}, { actor: 'reporter', note: words.trim() || 'belum selesai' });
    const agency = config.agencies.find((a) => a.code === ticket.agency);
    return { text: ctx.t(solved ? 'confirmation.thanks' : 'confirmation.reopened', { number, agency: agency?.name ?? ticket.agency ?? '' }) };
  } catch (error) {
    // Closed meanwhile (by the auto-close job or an operator): say where it stands.
    logger.warn({ err: error }, 'confirmation answer could not be applied');
    return { text: ctx.t('confirmation.too_late', { number }) };
  }
}

const yesNo = (view: NoticeView) => [{ value: 'yes', label: view.t('yes') }, { value: 'no', label: view.t('no') }];

/** The question, with the agency's result and its photos. */
export function askConfirmation(ticket: Ticket, agencyName: string): Notice {
  return (state, view) => ({
    state: { ...state, pendingConfirmation: ticket.number },
    replies: [
      ...(ticket.result?.attachments ?? []).map((photo) => ({ text: '', photo })),
      { text: view.t('confirmation.ask', { number: ticket.number, agency: agencyName, result: ticket.result?.text ?? '' }), choices: yesNo(view) },
    ],
  });
}

/** The second notice, for a reporter who has not answered; `days` until the ticket closes. */
export function remindConfirmation(ticket: Ticket, days: number): Notice {
  return (state, view) => ({
    state: { ...state, pendingConfirmation: ticket.number },
    replies: [{ text: view.t('confirmation.reminder', { number: ticket.number, days }), choices: yesNo(view) }],
  });
}

/** Closed without an answer: the reporter is told, and the question is no longer open. */
export function closedUnconfirmed(ticket: Ticket): Notice {
  return (state, view) => {
    const { pendingConfirmation, ...rest } = state;
    return { state: pendingConfirmation === ticket.number ? rest : state, replies: [{ text: view.t('confirmation.auto_closed', { number: ticket.number }) }] };
  };
}
