// Nearby duplicates in the conversation (issue #16, README "Same problem, many
// reporters"). Once a report has its category and a pinned location, the flow
// asks `find_duplicate`: the nearest still-open ticket of that category within
// `duplicates.radius` metres, created within `duplicates.within`, is offered
// (number, a short description, status, distance). On "yes" `follow_ticket`
// makes the person a follower of it: no new ticket; their description, photos
// and pin are kept on it and this report's messages join its thread; they hear
// its milestones and its confirmation question. A typed address (no
// coordinates) is never matched: two ways of writing one street cannot be told
// apart from two streets. Never one's own ticket (reporting it again is a
// new report an operator may merge). Email is left out: its report arrives in one piece
// and opens its ticket at once (asking "the same problem?" would cost the
// sender a round trip by mail for every report near another).
import type { Follower } from '../tickets/model.js';
import type { TurnContext } from './context.js';
import type { EffectDeps, EffectResult } from './effects.js';
import type { ConversationState, DuplicateOffer, Profile } from './state.js';
import { ensuredStatusLinkLine } from './status-link.js';

/** How much of the other ticket's description the person is shown. */
const SHORT_DESCRIPTION = 80;

/** The offer, or the flow's `on_no` when there is none (switched off, no pin, nothing near, the search failing). */
export async function findDuplicate(deps: EffectDeps, state: ConversationState, ctx: TurnContext): Promise<EffectResult> {
  const { duplicate: _earlier, ...data } = state.data;
  const none: EffectResult = { ok: true, no: true, replies: [], state: { ...state, data } };
  const { enabled, radius, within } = deps.config.duplicates;
  const { category, location } = data;
  if (!enabled || !category || location?.latitude === undefined || location.longitude === undefined) return none;
  try {
    const asker = { channel: ctx.message.channel, channelUserId: ctx.message.channelUserId };
    const match = await deps.tickets.findNearbyOpen(category, { latitude: location.latitude, longitude: location.longitude }, radius, within, asker);
    if (!match) return none;
    const duplicate: DuplicateOffer = { number: match.ticket.number, description: shorten(match.ticket.description), status: match.ticket.status, distance: match.distance };
    return { ok: true, replies: [], state: { ...state, data: { ...data, duplicate } } };
  } catch (error) {
    // Never in the way of a report: without the search it is a new ticket, as before.
    deps.logger.warn({ err: error }, 'nearby duplicate search failed');
    return none;
  }
}

/** "Yes, the same problem": the person follows the offered ticket. Its `on_no` when that ticket moved on meanwhile. */
export async function followTicket(deps: EffectDeps, state: ConversationState, ctx: TurnContext): Promise<EffectResult> {
  const offer = state.data.duplicate;
  const t = (key: string, number: string) => deps.texts.t(state.locale, key, { number });
  if (!offer) return { ok: true, no: true, replies: [] };
  try {
    const outcome = await deps.tickets.addFollower(offer.number, followerOf(state, ctx));
    if (outcome === 'gone') {
      const { duplicate: _gone, ...data } = state.data;
      return { ok: true, no: true, replies: [{ text: t('duplicate.gone', offer.number) }], state: { ...state, data } };
    }
    // This message and the person's next ones join that ticket's thread, as after opening one.
    ctx.linkTicket(offer.number);
    const link = await ensuredStatusLinkLine(deps.tickets, deps.config, await deps.tickets.get(offer.number), (key, vars) => deps.texts.t(state.locale, key, vars));
    return { ok: true, replies: [{ text: deps.texts.t(state.locale, 'duplicate.joined', { number: offer.number, link }) }], state: { ...state, profile: profileOf(state) } };
  } catch (error) {
    deps.logger.error({ err: error, channel: ctx.message.channel }, 'joining a nearby ticket failed');
    return { ok: false, replies: [{ text: t('duplicate.failed', offer.number) }] };
  }
}

function followerOf(state: ConversationState, ctx: TurnContext): Follower {
  const { data } = state;
  const { message, recorded } = ctx;
  return {
    channel: message.channel,
    channelUserId: message.channelUserId,
    ...(data.name ? { name: data.name } : {}),
    ...(data.phone ? { phone: data.phone } : {}),
    ...(data.email ? { email: data.email } : {}),
    ...(data.address ? { address: data.address } : {}),
    at: ctx.now,
    via: 'nearby',
    ...(data.description ? { description: data.description } : {}),
    ...(data.photos?.length ? { attachments: data.photos } : {}),
    ...(data.location ? { location: data.location } : {}),
    intake: { messageId: recorded.id, conversationKey: recorded.conversationKey, session: ctx.session },
  };
}

/** The identity offered again at the next report, as after opening a ticket. */
function profileOf({ data, profile }: ConversationState): Profile | undefined {
  const known: Profile = { ...(data.name ? { name: data.name } : {}), ...(data.phone ? { phone: data.phone } : {}), ...(data.address ? { address: data.address } : {}) };
  return Object.keys(known).length > 0 ? known : profile;
}

/** The first words of a description, whole words, on one line. */
export function shorten(text: string, max = SHORT_DESCRIPTION): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, '')}…`;
}
