// The reporter is kept informed as their ticket moves: taken up by the
// agency, transferred, forwarded to a national channel, result ready. These
// are notices only: no handler answers them and they change no state (the
// confirmation question, which does, is the confirmation handler's). The
// notifications module decides when one is owed and sends it once.
import type { MilestoneKind } from '../../tickets/model.js';
import type { Notice } from '../context.js';
import { asLateNotice } from '../notice-template.js';
import type { TextVars } from '../texts.js';

/** What a milestone message names: the agency that has the ticket now, or the channel it was forwarded to. */
export interface MilestoneFacts {
  readonly number: string;
  readonly agency?: string;
  readonly channel?: string;
  readonly url?: string;
  /** The ticket's public status page, ending the message (`{link}`). */
  readonly statusUrl?: string;
}

/** The text of each milestone (`milestone.<key>`) and its short form for the template (`milestone.status.<key>`). */
const TEXT_KEYS: Readonly<Record<MilestoneKind, string>> = {
  takenUp: 'taken_up',
  transferred: 'transferred',
  forwarded: 'forwarded',
  resultReady: 'result_ready',
};

/** One milestone message, in the conversation's language; outside WhatsApp's window the `milestone` template with the number and the short form. */
export function milestoneNotice(kind: MilestoneKind, facts: MilestoneFacts): Notice {
  const shared: TextVars = { number: facts.number, agency: facts.agency ?? '', channel: facts.channel ?? '', url: facts.url ?? '' };
  return (state, view) => {
    const key = TEXT_KEYS[kind];
    const vars: TextVars = { ...shared, link: facts.statusUrl ? view.t('status_link', { url: facts.statusUrl }) : '' };
    const message: Notice = (s) => ({ state: s, replies: [{ text: view.t(`milestone.${key}`, vars) }] });
    return asLateNotice(message, 'milestone', [facts.number, view.t(`milestone.status.${key}`, vars)])(state, view);
  };
}
