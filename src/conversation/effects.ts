// The effects a flow asks for at its action steps: open the ticket, tell a
// ticket's status, answer a question. The engine stays pure; the flow
// handler carries these out and continues the flow after them.
import type { Logger } from '../observability/logger.js';
import type { Ticket } from '../tickets/model.js';
import type { TicketService } from '../tickets/service.js';
import type { RouterConfig, TurnContext } from './context.js';
import { findDuplicate, followTicket } from './duplicates.js';
import type { Effect } from './engine.js';
import type { Faq } from './faq.js';
import type { OutboundMessage } from './messages.js';
import type { ConversationState } from './state.js';
import { statusLinkLine } from './status-link.js';
import { statusReply } from './ticket-lookup.js';
import type { Texts, TextVars } from './texts.js';

export interface EffectResult {
  readonly ok: boolean;
  readonly replies: OutboundMessage[];
  readonly ticket?: Ticket;
  readonly state?: ConversationState;
  /** The action's outcome is no (nothing found, could not be done): the flow goes on at the step's `on_no`. */
  readonly no?: boolean;
}

export interface EffectDeps {
  readonly tickets: TicketService;
  readonly faq: Faq;
  readonly texts: Texts;
  readonly config: RouterConfig;
  readonly logger: Logger;
}

export class FlowEffects {
  constructor(private readonly deps: EffectDeps) {}

  /** `state` is the flow's state at the action step; the context gives the message and the session. */
  async perform(action: Effect['action'], state: ConversationState, ctx: TurnContext): Promise<EffectResult> {
    switch (action) {
      case 'show_status':
        return { ok: true, replies: [await statusReply(ctx, state.data.ticket_number ?? '')] };
      case 'answer_faq': {
        const answer = this.deps.faq.answer(state.data.question ?? '', state.locale);
        return { ok: true, replies: answer ? [{ text: answer }, { text: this.t(state, 'faq.follow_up') }] : [{ text: this.t(state, 'faq.no_match') }] };
      }
      case 'create_ticket':
        return this.createTicket(state, ctx);
      case 'find_duplicate':
        return findDuplicate(this.deps, state, ctx);
      case 'follow_ticket':
        return followTicket(this.deps, state, ctx);
    }
  }

  private async createTicket(state: ConversationState, ctx: TurnContext): Promise<EffectResult> {
    const { data } = state;
    const { message, recorded } = ctx;
    try {
      // Only a reprocessed message can have opened its ticket already (the process died after creating it).
      const existing = ctx.recovering ? await this.deps.tickets.findByIntakeMessage(recorded.id) : null;
      const ticket =
        existing ??
        (await this.deps.tickets.create(
          {
            channel: message.channel,
            intake: { messageId: recorded.id, conversationKey: recorded.conversationKey, session: ctx.session },
            reporter: {
              ...(data.name ? { name: data.name } : {}),
              ...(data.phone ? { phone: data.phone } : {}),
              ...(data.email ? { email: data.email } : {}),
              ...(data.address ? { address: data.address } : {}),
              channelUserId: message.channelUserId,
            },
            category: data.category ?? '',
            description: data.description ?? '',
            attachments: data.photos ?? [],
            ...(data.location ? { location: data.location } : {}),
          },
          'reporter',
        ));
      // Its first telling (the inbox's live update) may have died with the process that opened it.
      if (existing) this.deps.tickets.announceRecovered(existing);
      const profile = { ...(data.name ? { name: data.name } : {}), ...(data.phone ? { phone: data.phone } : {}), ...(data.address ? { address: data.address } : {}) };
      return { ok: true, ticket, replies: [{ text: this.createdText(ticket, state) }], state: { ...state, profile } };
    } catch (error) {
      this.deps.logger.error({ err: error, channel: message.channel }, 'ticket creation failed');
      return { ok: false, replies: [{ text: this.t(state, 'create_failed') }] };
    }
  }

  private createdText(ticket: Ticket, state: ConversationState): string {
    const link = statusLinkLine(this.deps.config, ticket, (key, vars) => this.t(state, key, vars));
    if (ticket.status === 'forwarded' && ticket.forwardedTo) {
      const target = this.deps.config.forwarding[ticket.forwardedTo];
      return this.t(state, 'forwarded', { number: ticket.number, channel: target?.name ?? ticket.forwardedTo, url: target?.url ?? '', link });
    }
    const agency = this.deps.config.agencies.find((a) => a.code === ticket.agency);
    return this.t(state, 'created', { number: ticket.number, agency: agency?.name ?? ticket.agency ?? '', link });
  }

  private t(state: ConversationState, key: string, vars?: TextVars): string {
    return this.deps.texts.t(state.locale, key, vars);
  }
}
