// An operator merged a citizen's report into another ticket about the same
// problem, or split them out of one again (inbox, issue 16): they are told on
// their own channel which ticket is theirs now. A notice cannot relink the
// conversation's ticket (the router keeps that for the person's own messages),
// so it moves what in the state names a ticket: the window in which their
// answers reach an operator (operator-chat.ts) is opened on the ticket that is
// theirs now, so "but mine is a different problem" lands in that ticket's thread.
// Outside WhatsApp's window each goes as the `operatorReply` template.
import type { ConversationState } from '../state.js';
import type { Notice } from '../context.js';
import { asLateNotice } from '../notice-template.js';

/** The state after `from` became `to`: an operator chat about either now runs on `to`, until `until`. */
function relinked(state: ConversationState, to: string, until: Date): ConversationState {
  return { ...state, operatorChat: { ticket: to, until: until.toISOString() } };
}

/**
 * Their report `from` was joined to `into`, which `citizens` people have reported now; `own`: `into` is their own
 * earlier report (the same person reported twice), so it says so instead of "other residents".
 */
export function mergedNotice(from: string, into: string, citizens: number, until: Date, own = false): Notice {
  const key = own ? 'merge.joined_own' : 'merge.joined';
  const notice: Notice = (state, view) => ({
    state: relinked(state, into, until),
    replies: [{ text: view.t(view.capabilities.oneShot ? `${key}_by_mail` : key, { from, number: into, count: citizens }) }],
  });
  return asLateNotice(notice, 'operatorReply', [into, `Laporan Anda ${from} digabungkan dengan laporan ${into} tentang masalah yang sama. Ketik STATUS ${into} untuk mengecek perkembangannya.`]);
}

/** They were split out of `from`: their own ticket is `number` again (`reopened`: the one they had opened) or a new one. */
export function splitNotice(from: string, number: string, reopened: boolean, until: Date): Notice {
  const key = reopened ? 'merge.split_reopened' : 'merge.split_new';
  const notice: Notice = (state, view) => ({
    state: relinked(state, number, until),
    replies: [{ text: view.t(view.capabilities.oneShot ? `${key}_by_mail` : key, { from, number }) }],
  });
  return asLateNotice(notice, 'operatorReply', [number, `Laporan Anda kini ditangani sendiri dengan nomor tiket ${number}. Ketik STATUS ${number} untuk mengecek perkembangannya.`]);
}
