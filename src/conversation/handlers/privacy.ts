// A short privacy notice at a person's first message on each channel (UU PDP
// No. 27/2022: what is collected, why, who sees it, how long, where to read
// more), from `privacy` in the configuration, in the conversation's language,
// with the first thing said. The version shown and when are kept with the
// conversation (`state.privacy`, owned here: the record a data subject's
// rights are later answered from), so the notice comes once per person per
// channel, and once more when the city changes its version. A handler rather
// than the greeting: a first message is not always "halo" — it can be a
// ticket number, a command, a photo, or a whole report by email.
import type { Config } from '../../config/schema.js';
import type { Handler } from '../chain.js';
import type { OutboundMessage } from '../messages.js';
import type { ConversationState } from '../state.js';
import type { Locale } from '../texts.js';

export const privacy: Handler = async (ctx, next) => {
  const { config } = ctx.services;
  const known = ctx.state.privacy?.version === config.privacy.version ? ctx.state.privacy : undefined;
  const seen = known ?? { version: config.privacy.version, at: ctx.now.toISOString() };
  await next();
  // In the language the turn ended in ("english" as a first message is answered in English).
  if (!known) addNotice(ctx.replies, privacyNotice(config, ctx.state.locale));
  // Handlers after this one start afresh between reports (idleState); what the person was shown outlives that.
  ctx.state = { ...ctx.state, privacy: seen };
};

/**
 * The notice joins the first plain text reply (the greeting: welcome, notice,
 * then the menu's question), so that no channel gets one more message and no
 * button message a longer body; with no such reply it comes on its own, first.
 */
function addNotice(replies: OutboundMessage[], notice: string): void {
  const index = replies.findIndex((r) => r.text !== '' && Object.keys(r).length === 1);
  const plain = replies[index];
  if (plain) replies[index] = { text: `${plain.text}\n\n${notice}` };
  else replies.unshift({ text: notice });
}

export function privacyNotice(config: Pick<Config, 'privacy' | 'city'>, locale: Locale): string {
  const { notice, url } = config.privacy;
  return (notice[locale] ?? notice.id).replaceAll('{url}', url).replaceAll('{city}', config.city.name);
}

/** `next` keeping the notice `from` had seen: for a fresh state made outside the chain (the expiry sweep). */
export function keepPrivacy(from: ConversationState, next: ConversationState): ConversationState {
  return from.privacy ? { ...next, privacy: from.privacy } : next;
}
