// "Has the problem been solved?" (SOP steps 12–15). The confirmation job asks
// through the notices below; the person's yes closes the ticket, a no with
// words reopens it with them; a bare no asks for the reason first (the ticket
// reopens without one after `conversation.reopenReasonTimeout`). This handler
// owns `state.pendingConfirmation` and `state.reopenReason`.
// A report being filled in keeps its own questions: the answer waits until
// it ends. The menu a greeting opened is no report: a yes/no there answers
// (a bare number there is the menu's). A "yes" is followed by the
// satisfaction question (satisfaction.ts). On a one-shot channel (email) only a reply in the ticket's thread
// answers: a new mail saying "Tidak ada lampu…" is a new report, not a "no".
import { TicketError } from '../../tickets/errors.js';
import type { Ticket } from '../../tickets/model.js';
import type { TicketService } from '../../tickets/service.js';
import { clean, readYesNo } from '../answers.js';
import type { Handler } from '../chain.js';
import type { Notice, NoticeView, TurnContext } from '../context.js';
import type { ConversationState } from '../state.js';
import { askRating } from './satisfaction.js';

/** The history note of a ticket reopened because the reporter said "not solved" and gave no reason in time. */
export const NO_REASON_NOTE = 'Belum selesai menurut pelapor; alasan tidak disebutkan (tidak ada jawaban atas pertanyaan alasannya).';

export const confirmation: Handler = async (ctx, next) => {
  const { state, message } = ctx;
  const pending = state.pendingConfirmation;
  const menu = atMenu(ctx);
  const eligible = pending !== undefined && (!state.flow || menu) && ctx.command === undefined && (!ctx.capabilities.oneShot || message.replyTo?.ticketNumber === pending);
  if (!eligible) {
    await next();
    return;
  }
  const waiting = state.reopenReason?.ticket === pending ? state.reopenReason : undefined;
  if (waiting && Date.parse(waiting.until) <= ctx.now.getTime()) {
    // Its time ran out before the confirmation job came: reopened without a reason, and this message is read afresh.
    await reopenUnexplained(ctx.services.tickets, pending);
    ctx.state = answered(state);
    await next();
    return;
  }
  const answer = readYesNo(message.text, { yesLabel: ctx.t('yes'), noLabel: ctx.t('no') });
  if (waiting) {
    // Anything but a yes is the reason; a bare "tidak" again, or no words at all, is asked once more.
    if (answer?.value !== true && (clean(message.text) === '' || answer?.rest === '')) {
      ctx.reply({ text: ctx.t('confirmation.ask_reason', { number: pending }) });
      return;
    }
    ctx.state = answered(state);
    await resolve(ctx, pending, answer?.value === true, message.text ?? '');
    return;
  }
  // At the menu a bare number is the menu's choice ("1" = make a report), not a yes.
  if (!answer || (menu && /^\d+$/.test(clean(message.text)))) {
    await next();
    return;
  }
  // Answered at the menu a greeting left open: the menu is left, so what follows (the reason, the rating) is read as such.
  if (menu) ctx.state = leaveMenu(state);
  if (!answer.value && answer.rest === '') {
    await askReason(ctx, pending);
    return;
  }
  ctx.state = answered(ctx.state);
  await resolve(ctx, pending, answer.value, message.text ?? '');
};

/**
 * The flow waits at its first question (the menu a greeting opened; nothing answered yet): a question
 * about a ticket the person was asked may be answered there (a report under way keeps its own questions).
 */
function atMenu(ctx: TurnContext): boolean {
  return ctx.state.flow === ctx.services.flow.id && ctx.state.step === ctx.services.flow.start;
}

function leaveMenu(state: ConversationState): ConversationState {
  const { flow: _flow, step: _step, ...rest } = state;
  return { ...rest, retries: 0 };
}

/** The question and its reason wait are over. */
function answered(state: ConversationState): ConversationState {
  const { pendingConfirmation: _question, reopenReason: _reason, ...rest } = state;
  return rest;
}

/**
 * A bare "Tidak": the ticket waits (still resolved, so a "Ya" can still close
 * it) for the reason until `conversation.reopenReasonTimeout`; the ticket
 * carries that deadline, so the confirmation job reopens it even if the
 * person never writes again.
 */
async function askReason(ctx: TurnContext, number: string): Promise<void> {
  const until = new Date(ctx.now.getTime() + ctx.services.config.conversation.reopenReasonTimeout);
  if (!(await ctx.services.tickets.awaitReopenReason(number, until))) {
    ctx.state = answered(ctx.state);
    ctx.reply({ text: ctx.t('confirmation.too_late', { number }) });
    return;
  }
  ctx.state = { ...ctx.state, reopenReason: { ticket: number, until: until.toISOString() } };
  ctx.reply({ text: ctx.t('confirmation.ask_reason', { number }) });
}

/** Reopens a ticket whose reason never came, unless the job (or anything else) moved it on already. */
export async function reopenUnexplained(tickets: Pick<TicketService, 'get' | 'transition'>, number: string): Promise<boolean> {
  try {
    const ticket = await tickets.get(number);
    if (ticket.status !== 'resolved') return false;
    await tickets.transition(number, 'reopen', {}, { actor: 'reporter', note: NO_REASON_NOTE, expectedVersion: ticket.version });
    return true;
  } catch (error) {
    if (error instanceof TicketError) return false; // confirmed, reopened or closed meanwhile
    throw error;
  }
}

/** Closes or reopens the ticket and says so; a close is followed by the satisfaction question (satisfaction.ts). */
async function resolve(ctx: TurnContext, number: string, solved: boolean, words: string): Promise<void> {
  const { tickets, config, logger } = ctx.services;
  try {
    const ticket = solved
      ? await tickets.transition(number, 'confirm', {}, { actor: 'reporter' })
      : await tickets.transition(number, 'reopen', {}, { actor: 'reporter', note: words.trim() || 'belum selesai' });
    const agency = config.agencies.find((a) => a.code === ticket.agency);
    ctx.reply({ text: ctx.t(solved ? 'confirmation.thanks' : 'confirmation.reopened', { number, agency: agency?.name ?? ticket.agency ?? '' }) });
    if (solved) askRating(ctx, ticket);
  } catch (error) {
    // Closed meanwhile (by the auto-close job or an operator): say where it stands.
    logger.warn({ err: error }, 'confirmation answer could not be applied');
    ctx.reply({ text: ctx.t('confirmation.too_late', { number }) });
  }
}

const yesNo = (view: NoticeView) => [{ value: 'yes', label: view.t('yes') }, { value: 'no', label: view.t('no') }];

/** The question, with the agency's result and its photos, and the ticket's public status page (`statusUrl`) when it has one. */
export function askConfirmation(ticket: Ticket, agencyName: string, statusUrl?: string): Notice {
  return (state, view) => ({
    state: { ...state, pendingConfirmation: ticket.number },
    replies: [
      ...(ticket.result?.attachments ?? []).map((photo) => ({ text: '', photo })),
      { text: view.t('confirmation.ask', { number: ticket.number, agency: agencyName, result: ticket.result?.text ?? '', link: statusUrl ? view.t('status_link', { url: statusUrl }) : '' }), choices: yesNo(view) },
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
