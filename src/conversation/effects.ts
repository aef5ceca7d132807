// The effects a flow asks for at its action steps: open the ticket, tell a
// ticket's status, answer a question. They talk to the ticket service and
// the FAQ; the router decides when they run and what happens after.
import type { Logger } from '../observability/logger.js';
import { TicketNotFoundError } from '../tickets/errors.js';
import type { Ticket } from '../tickets/model.js';
import type { TicketService } from '../tickets/service.js';
import type { Effect } from './engine.js';
import type { Faq } from './faq.js';
import type { InboundMessage, OutboundMessage } from './messages.js';
import type { RecordedInbound } from './ports.js';
import type { RouterConfig } from './router.js';
import type { ConversationState } from './state.js';
import type { Texts, TextVars } from './texts.js';

export interface EffectSource {
  readonly message: InboundMessage;
  readonly recorded: RecordedInbound;
  readonly session: number;
  /** The message is being processed again after a crash: its ticket may exist already. */
  readonly recovering: boolean;
  /** The phone number the channel vouches for, if any. */
  readonly knownPhone: string | undefined;
}

export interface EffectResult {
  readonly ok: boolean;
  readonly replies: OutboundMessage[];
  readonly ticket?: Ticket;
  readonly state?: ConversationState;
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

  async perform(action: Effect['action'], state: ConversationState, source: EffectSource): Promise<EffectResult> {
    const { message } = source;
    switch (action) {
      case 'show_status':
        return { ok: true, replies: [await this.statusReply(state.data.ticket_number ?? '', state, message, source.knownPhone)] };
      case 'answer_faq': {
        const answer = this.deps.faq.answer(state.data.question ?? '', state.locale);
        return { ok: true, replies: answer ? [{ text: answer }, { text: this.t(state, 'faq.follow_up') }] : [{ text: this.t(state, 'faq.no_match') }] };
      }
      case 'create_ticket':
        return this.createTicket(state, source);
    }
  }

  private async createTicket(state: ConversationState, { message, recorded, session, recovering }: EffectSource): Promise<EffectResult> {
    const { data } = state;
    try {
      // Only a reprocessed message can have opened its ticket already (the process died after creating it).
      const existing = recovering ? await this.deps.tickets.findByIntakeMessage(recorded.id) : null;
      const ticket =
        existing ??
        (await this.deps.tickets.create(
          {
            channel: message.channel,
            intake: { messageId: recorded.id, conversationKey: recorded.conversationKey, session },
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
      const profile = { ...(data.name ? { name: data.name } : {}), ...(data.phone ? { phone: data.phone } : {}), ...(data.address ? { address: data.address } : {}) };
      return { ok: true, ticket, replies: [{ text: this.createdText(ticket, state) }], state: { ...state, profile } };
    } catch (error) {
      this.deps.logger.error({ err: error, channel: message.channel }, 'ticket creation failed');
      return { ok: false, replies: [{ text: this.t(state, 'create_failed') }] };
    }
  }

  private createdText(ticket: Ticket, state: ConversationState): string {
    if (ticket.status === 'forwarded' && ticket.forwardedTo) {
      const target = this.deps.config.forwarding[ticket.forwardedTo];
      return this.t(state, 'forwarded', { number: ticket.number, channel: target?.name ?? ticket.forwardedTo, url: target?.url ?? '' });
    }
    const agency = this.deps.config.agencies.find((a) => a.code === ticket.agency);
    return this.t(state, 'created', { number: ticket.number, agency: agency?.name ?? ticket.agency ?? '' });
  }

  /** The ticket, when it exists and was reported from this very channel account. */
  async ownTicket(number: string, message: InboundMessage): Promise<Ticket | undefined> {
    try {
      const ticket = await this.deps.tickets.get(number);
      return ticket.channel === message.channel && ticket.reporter.channelUserId === message.channelUserId ? ticket : undefined;
    } catch (error) {
      if (error instanceof TicketNotFoundError) return undefined;
      throw error;
    }
  }

  /** The status of a ticket, only when it is the asker's own: same channel account, or the same phone number. */
  async statusReply(number: string, state: ConversationState, message: InboundMessage, knownPhone: string | undefined): Promise<OutboundMessage> {
    let ticket: Ticket | undefined;
    try {
      ticket = await this.deps.tickets.get(number);
    } catch (error) {
      if (!(error instanceof TicketNotFoundError)) throw error;
    }
    const knownPhones = [state.profile?.phone, knownPhone].filter(Boolean);
    const own =
      ticket &&
      ((ticket.channel === message.channel && ticket.reporter.channelUserId === message.channelUserId) ||
        (ticket.reporter.phone !== undefined && knownPhones.includes(ticket.reporter.phone)));
    if (!ticket || !own) return { text: this.t(state, 'status.not_found', { number }) };
    const category = this.deps.config.categories.find((c) => c.code === ticket.category);
    const agency = this.deps.config.agencies.find((a) => a.code === ticket.agency);
    const date = new Intl.DateTimeFormat(state.locale === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'long', timeZone: this.deps.config.city.timezone }).format(ticket.createdAt);
    return {
      text: this.t(state, 'status.found', {
        number: ticket.number,
        category: category ? (category.name[state.locale] ?? category.name.id) : ticket.category,
        date,
        status: this.t(state, `status.labels.${ticket.status}`),
        agency: agency ? this.t(state, 'status.agency', { agency: agency.name }) : '',
      }),
    };
  }

  /** The reporter's answer to "has the problem been solved?": yes closes the ticket, no reopens it with their words. */
  async confirmResolution(number: string, solved: boolean, words: string, state: ConversationState): Promise<OutboundMessage> {
    try {
      const ticket = solved
        ? await this.deps.tickets.transition(number, 'confirm', {}, { actor: 'reporter' })
        : await this.deps.tickets.transition(number, 'reopen', {}, { actor: 'reporter', note: words.trim() || 'belum selesai' });
      const agency = this.deps.config.agencies.find((a) => a.code === ticket.agency);
      return { text: this.t(state, solved ? 'confirmation.thanks' : 'confirmation.reopened', { number, agency: agency?.name ?? ticket.agency ?? '' }) };
    } catch (error) {
      // Closed meanwhile (by the auto-close job or an operator): say where it stands.
      this.deps.logger.warn({ err: error }, 'confirmation answer could not be applied');
      return { text: this.t(state, 'confirmation.too_late', { number }) };
    }
  }

  private t(state: ConversationState, key: string, vars?: TextVars): string {
    return this.deps.texts.t(state.locale, key, vars);
  }
}
