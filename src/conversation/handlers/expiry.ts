// A report left half-way ends after `conversation.inactivityTimeout` (email:
// `oneShotTimeout`) with a message saying so: sent by the expiry sweep, or
// here, when the person writes again before the sweep came.
import type { Handler } from '../chain.js';
import type { RouterConfig } from '../context.js';
import type { ChannelCapabilities } from '../messages.js';
import { type ConversationState, idleState } from '../state.js';
import { keepPrivacy } from './privacy.js';
import type { TextVars } from '../texts.js';

export const expiry: Handler = async (ctx, next) => {
  const { expiresAt } = ctx.conversation;
  if (ctx.state.flow && expiresAt && expiresAt <= ctx.now) {
    const ended = expire(ctx.state, { t: (key, vars) => ctx.t(key, vars), capabilities: ctx.capabilities }, ctx.services.config);
    ctx.reply(...ended.replies);
    ctx.state = ended.state;
  }
  await next();
};

/** The state after the report expired, and the message telling the person. */
export function expire(state: ConversationState, view: { t(key: string, vars?: TextVars): string; readonly capabilities: ChannelCapabilities }, config: Pick<RouterConfig, 'conversation'>): { state: ConversationState; replies: { text: string }[] } {
  const { inactivityTimeout, oneShotTimeout } = config.conversation;
  const text = view.capabilities.oneShot
    ? view.t('one_shot.expired', { days: Math.max(1, Math.round(oneShotTimeout / 86_400_000)) })
    : view.t('expired', { minutes: Math.round(inactivityTimeout / 60_000) });
  return { state: keepPrivacy(state, idleState(state.locale, state.profile, state.pendingConfirmation)), replies: [{ text }] };
}
