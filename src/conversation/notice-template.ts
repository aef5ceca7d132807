// A late notice says what it is, so that a channel which refuses free text
// after a while (WhatsApp, 24 hours after the person last wrote) can send it
// as the approved template of its kind instead. The notice composes its own
// text; this marks its text replies with the kind and the template's
// parameters, and leaves photos alone (a template carries no photo).
import type { Notice } from './context.js';
import type { NoticeKind, OutboundMessage } from './messages.js';

/** The same notice, its text replies marked as `kind` with these template parameters. */
export function asLateNotice(notice: Notice, kind: NoticeKind, params: readonly (string | number)[]): Notice {
  return (state, view) => {
    const composed = notice(state, view);
    return { ...composed, replies: composed.replies.map((reply) => marked(reply, kind, params)) };
  };
}

function marked(reply: OutboundMessage, kind: NoticeKind, params: readonly (string | number)[]): OutboundMessage {
  if (reply.photo !== undefined || reply.text === '') return reply;
  return { ...reply, notice: { kind, params: params.map(String) } };
}
