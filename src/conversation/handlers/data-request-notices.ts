// The data protection officer closed a citizen's data request (UU PDP 27/2022, issue 17 item 2): they are told on
// the channel they asked on, in their language, what became of it (one text per outcome; a refusal carries the
// officer's reason). It changes no state. An erasure is told BEFORE the data goes (the account to send to is part
// of it): src/inbox/routes/privacy-people.ts. Outside WhatsApp's window it goes as the `operatorReply` template.
import type { Notice } from '../context.js';
import { asLateNotice } from '../notice-template.js';

export type DataRequestOutcome = 'erased' | 'exported' | 'corrected' | 'refused';

/** `photosKept`: an erasure that kept the photos of the problem (the DPO's decision) says so instead of "and photos". */
export function dataRequestClosedNotice(reference: string, outcome: DataRequestOutcome, note: string, photosKept = false): Notice {
  return (state, view) => {
    const text = view.t(`data_request_closed.${outcome === 'erased' && photosKept ? 'erased_photos_kept' : outcome}`, { reference, note });
    const notice: Notice = (s) => ({ state: s, replies: [{ text }] });
    return asLateNotice(notice, 'operatorReply', [reference, text])(state, view);
  };
}

/** The DPO corrected their name, phone or address: the answers the next report would reuse are the corrected ones. */
export function profileCorrected(fields: { name?: string; phone?: string; address?: string }): Notice {
  return (state) => {
    if (!state.profile) return { state, replies: [] };
    return { state: { ...state, profile: { ...state.profile, ...fields } }, replies: [] };
  };
}
