// An operator merged a citizen's report into another ticket about the same
// problem, or split them out of one again (inbox, issue 16): they are told on
// their own channel which ticket is theirs now. A notice cannot relink the
// conversation's ticket (the router keeps that for the person's own messages),
// so it moves what in the state names a ticket: the window in which their
// answers reach an operator (operator-chat.ts) is opened on the ticket that is
// theirs now, so "but mine is a different problem" lands in that ticket's thread.
// Outside WhatsApp's window each goes as the `operatorReply` template.
import type { ConversationState } from '../state.js';
import type { Notice, NoticeView } from '../context.js';
import { asLateNotice } from '../notice-template.js';

/** The state after `from` became `to`: an operator chat about either now runs on `to`, until `until`. */
function relinked(state: ConversationState, to: string, until: Date): ConversationState {
  return { ...state, operatorChat: { ticket: to, until: until.toISOString() } };
}

/** The ticket's status page ending the message, when it has one (`status_link`). */
function linkOf(view: NoticeView, statusUrl: string | undefined): string {
  return statusUrl ? view.t('status_link', { url: statusUrl }) : '';
}

/**
 * Their report `from` was joined to `into`, which `citizens` people have reported now; `own`: `into` is their own
 * earlier report (the same person reported twice), so it says so instead of "other residents". `statusUrl`: the
 * public status page of `into`.
 */
export function mergedNotice(from: string, into: string, citizens: number, until: Date, own = false, statusUrl?: string): Notice {
  const key = own ? 'merge.joined_own' : 'merge.joined';
  return (state, view) => {
    const vars = { from, number: into, count: citizens, link: linkOf(view, statusUrl) };
    const notice: Notice = (s) => ({ state: relinked(s, into, until), replies: [{ text: view.t(view.capabilities.oneShot ? `${key}_by_mail` : key, vars) }] });
    return asLateNotice(notice, 'operatorReply', [into, view.t('merge.template.joined', vars)])(state, view);
  };
}

/** They were split out of `from`: their own ticket is `number` again (`reopened`: the one they had opened) or a new one. */
export function splitNotice(from: string, number: string, reopened: boolean, until: Date, statusUrl?: string): Notice {
  const key = reopened ? 'merge.split_reopened' : 'merge.split_new';
  return (state, view) => {
    const vars = { from, number, link: linkOf(view, statusUrl) };
    const notice: Notice = (s) => ({ state: relinked(s, number, until), replies: [{ text: view.t(view.capabilities.oneShot ? `${key}_by_mail` : key, vars) }] });
    return asLateNotice(notice, 'operatorReply', [number, view.t('merge.template.split', vars)])(state, view);
  };
}
