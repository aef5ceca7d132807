// The flow engine: runs the steps of a YAML flow against one conversation's
// state. Pure: it returns the new state, the replies and at most one effect
// (create a ticket, look up a status, answer a question) for the router to
// carry out; it knows no channel and no database.
import type { CategoryConfig } from '../config/schema.js';
import type { AttachmentRef } from '../tickets/model.js';
import * as answers from './answers.js';
import type { Flow, FlowAction, FlowStep } from './flow.js';
import type { ChannelCapabilities, Choice, InboundMessage, OutboundMessage } from './messages.js';
import { OneShotIntake } from './one-shot-intake.js';
import { continueStory, storyAfter, withDraft } from './story.js';
import { flowTextVars } from './flow-text-vars.js';
import { addPhotos } from './photos.js';
import { type ConversationState, type FlowData, idleState } from './state.js';
import type { Texts, TextVars } from './texts.js';
import { isVagueLocation } from './vague-location.js';

export interface EngineContext {
  readonly texts: Texts;
  readonly capabilities: ChannelCapabilities;
  readonly categories: readonly CategoryConfig[];
  /** `joinWindowMs`: a quick next message continues a free-text answer (story.ts). */
  readonly limits: { readonly photosPerTicket: number; readonly descriptionMaxChars: number; readonly photoMaxBytes: number; readonly joinWindowMs?: number };
  readonly cityName: string;
  readonly exampleTicketNumber: string;
}

export interface Effect {
  readonly action: Exclude<FlowAction, 'use_profile'>;
  /** The step whose answer led here: where to go back to if the effect fails. */
  readonly retryStep: string;
}

export interface Outcome {
  readonly state: ConversationState;
  readonly replies: OutboundMessage[];
  readonly effect?: Effect;
}

const DEFAULT_MAX_RETRIES = 3;

/** The step of a one-shot report while it waits for the facts it lacks. */
export const ONE_SHOT_STEP = 'one_shot';

/** What the one-shot intake uses of the engine: entering steps, validating answers, taking photos, texts. */
export interface StepRunner {
  enter(stepId: string, state: ConversationState, replies: OutboundMessage[], origin: string): Outcome;
  validate(step: FlowStep, message: InboundMessage, state: ConversationState): answers.Answer<unknown>;
  addPhotos(current: readonly AttachmentRef[], incoming: NonNullable<InboundMessage['photos']>, replies: OutboundMessage[], state: ConversationState, options?: { quiet?: boolean }): AttachmentRef[];
  say(key: string, state: ConversationState): string;
  t(state: ConversationState, key: string, vars?: TextVars): string;
}

export class FlowEngine implements StepRunner {
  private readonly oneShot: OneShotIntake;

  constructor(private readonly flow: Flow, private readonly ctx: EngineContext) {
    this.oneShot = new OneShotIntake(flow, ctx, this);
  }

  /** Starts the flow (at its start or at a given step) with what the channel already knows. */
  start(state: ConversationState, known: Partial<FlowData>, at = this.flow.start): Outcome {
    const next: ConversationState = { ...state, flow: this.flow.id, data: { ...known }, retries: 0 };
    delete next.step;
    return this.enter(at, next, [], at);
  }

  /** Continues after an effect succeeded; an effect whose outcome is no goes on at its step's `on_no`, when it has one. */
  continueAfter(state: ConversationState, stepId: string, outcome: 'yes' | 'no' = 'yes'): Outcome {
    const step = this.flow.step(stepId);
    if (outcome === 'no' && step.on_no !== undefined) return this.enter(step.on_no, state, [], stepId);
    return this.leave(step, state, [], stepId);
  }

  /** A report that arrives in one piece (an email): see one-shot-intake.ts. */
  startOneShot(state: ConversationState, known: Partial<FlowData>, message: InboundMessage): Outcome {
    return this.oneShot.start(state, known, message);
  }

  answer(state: ConversationState, message: InboundMessage): Outcome {
    if (state.step === undefined) return this.start(state, {});
    if (state.step === ONE_SHOT_STEP) return this.oneShot.answer(state, message);
    const step = this.flow.step(state.step);
    const continued = state.story && this.answersNothing(step, message, state) ? continueStory(this.flow, step, state, message, this.ctx.limits.joinWindowMs ?? 0) : undefined;
    if (continued) return { state: continued, replies: [] };
    const replies: OutboundMessage[] = [];
    let data = state.data;

    // Photos sent at any step are kept (up to the limit), so nothing a citizen sends is lost.
    if (step.ask !== 'photo' && message.photos?.length) {
      data = { ...data, photos: this.addPhotos(data.photos ?? [], message.photos, replies, state) };
      if (answers.clean(message.text) === '' && !message.location && !message.contact) {
        return { state: { ...state, data }, replies: [...replies, ...this.prompt(step, { ...state, data })] };
      }
    }
    if (step.ask === 'photo') return this.answerPhotos(step, { ...state, data }, message);
    if (step.ask === 'location') return this.answerLocation(step, { ...state, data }, message, replies);

    const result = this.validate(step, withDraft(step, state, message, this.ctx.limits.joinWindowMs ?? 0), state);
    const { story: _told, ...rest } = state;
    if (!result.ok) return this.retry(step, { ...rest, data, ...storyAfter(step, message, false) }, result, replies);
    let next: ConversationState = { ...rest, data, retries: 0, ...storyAfter(step, message, true) };
    if (step.store) next = { ...next, data: { ...next.data, [step.store]: result.value } };
    const target = this.target(step, result.value);
    return target === undefined ? this.leave(step, next, replies, step.id) : this.enter(target, next, replies, step.id);
  }

  /** The message is no answer to this step's question (a photo step wants photos or a done word). */
  private answersNothing(step: FlowStep, message: InboundMessage, state: ConversationState): boolean {
    if (step.ask === undefined) return false;
    if (step.ask === 'photo') return !message.photos?.length && !this.photosDone(message, state);
    return !this.validate(step, message, state).ok;
  }

  validate(step: FlowStep, message: InboundMessage, state: ConversationState): answers.Answer<unknown> {
    const { limits } = this.ctx;
    switch (step.ask) {
      case 'text':
        return answers.answerText(message, step.min ?? 1, limits.descriptionMaxChars);
      case 'name':
        return answers.answerName(message);
      case 'phone':
        return answers.answerPhone(message);
      case 'address':
        return answers.answerAddress(message);
      case 'confirm':
        return answers.answerConfirm(message, this.t(state, 'yes'), this.t(state, 'no'));
      case 'choice':
        return step.choices_from === 'categories'
          ? answers.answerCategory(message, this.ctx.categories, state.locale)
          : answers.answerChoice(message, this.choices(step, state));
      case 'location':
        return answers.answerLocation(message);
      case 'ticket_number':
        return answers.answerTicketNumber(message, this.ctx.exampleTicketNumber);
      case 'photo':
      case undefined:
        throw new Error(`step ${step.id} does not ask for an answer`);
    }
  }

  private answerPhotos(step: FlowStep, state: ConversationState, message: InboundMessage): Outcome {
    const replies: OutboundMessage[] = [];
    const max = this.ctx.limits.photosPerTicket;
    if (message.photos?.length) {
      const before = state.data.photos?.length ?? 0;
      const photos = this.addPhotos(state.data.photos ?? [], message.photos, replies, state);
      const next = { ...state, data: { ...state.data, photos }, retries: 0 };
      if (photos.length >= max) return this.leave(step, next, replies, step.id);
      // The acknowledgement (the last reply when a photo was added) carries the "Selesai" button.
      const ack = photos.length > before ? replies.pop() : undefined;
      return { state: next, replies: ack ? [...replies, { ...ack, choices: this.photoChoices(next) }] : replies };
    }
    if (this.photosDone(message, state)) return this.leave(step, { ...state, retries: 0 }, replies, step.id);
    return this.retry(step, state, { retry: answers.clean(message.text) === '' ? 'retry.empty' : 'retry.photo' }, replies);
  }

  /** Nothing (more) to send at the photo step: a done word ("gak ada", "udah"), or its button by label, value or number. */
  photosDone(message: InboundMessage, state: ConversationState): boolean {
    return answers.isDoneWord(message.text) || answers.chosen(message.text, this.photoChoices(state)) !== undefined;
  }

  /** "Tidak ada foto" before the first photo, "Selesai" after it: both end the step (as do the words in answers.ts). */
  private photoChoices(state: ConversationState): Choice[] {
    return (state.data.photos?.length ?? 0) > 0 ? [{ value: 'done', label: this.t(state, 'photo.done') }] : [{ value: 'skip', label: this.t(state, 'photo.none') }];
  }

  /**
   * A typed location too vague to find ("dekat pasar", "di sini") is asked
   * about once, for a landmark, a street or a pin. The answer to that is taken
   * as it comes (never a loop), beside the first words. While the follow-up is
   * open, the first answer waits where the step stores its answer.
   */
  private answerLocation(step: FlowStep, state: ConversationState, message: InboundMessage, replies: OutboundMessage[]): Outcome {
    const result = this.validate(step, message, state);
    if (!result.ok) return this.retry(step, state, result, replies);
    const answer = result.value as answers.LocationAnswer;
    const first = step.store ? (state.data[step.store] as answers.LocationAnswer | undefined) : undefined;
    if (step.store && !first && answer.latitude === undefined && isVagueLocation(answer.address ?? '')) {
      const asking = { ...state, data: { ...state.data, [step.store]: answer }, retries: 0 };
      return { state: asking, replies: [...replies, ...this.prompt(step, asking)] };
    }
    const address = [first?.address, answer.address].filter(Boolean).join('; ').slice(0, 300);
    const location = { ...answer, ...(address ? { address } : {}) };
    const next = { ...state, retries: 0, data: step.store ? { ...state.data, [step.store]: location } : state.data };
    return this.leave(step, next, replies, step.id);
  }

  addPhotos(current: readonly AttachmentRef[], incoming: NonNullable<InboundMessage['photos']>, replies: OutboundMessage[], state: ConversationState, options: { quiet?: boolean } = {}): AttachmentRef[] {
    return addPhotos(this.ctx, current, incoming, replies, state, options);
  }

  private retry(step: FlowStep, state: ConversationState, failed: { retry: string; vars?: TextVars }, replies: OutboundMessage[]): Outcome {
    const retries = state.retries + 1;
    const next = { ...state, retries };
    const vars = { example: this.ctx.exampleTicketNumber, ...failed.vars };
    const key = failed.retry === 'retry.choice' && step.retry ? step.retry : failed.retry;
    if (retries >= (step.max_retries ?? DEFAULT_MAX_RETRIES)) {
      // After repeated failures, help instead of the same correction again.
      return { state: { ...next, retries: 0 }, replies: [...replies, { text: this.t(state, key, vars) }, { text: this.t(state, 'retry.limit') }, ...this.prompt(step, next)] };
    }
    return { state: next, replies: [...replies, { ...this.promptMessage(step, next), text: this.t(state, key, vars) }] };
  }

  private target(step: FlowStep, value: unknown): string | undefined {
    if (step.ask === 'confirm') return value === true ? step.on_yes : step.on_no;
    if (step.ask === 'choice' && step.choices) return step.choices.find((c) => c.value === value)?.next ?? step.next;
    return step.next;
  }

  /** Moves past a finished step: to its `next`, the following step, or the end of the flow. */
  private leave(step: FlowStep, state: ConversationState, replies: OutboundMessage[], origin: string): Outcome {
    if (step.end === true) return { state: this.finish(state), replies };
    const next = step.next ?? this.flow.after(step.id)?.id;
    return next === undefined ? { state: this.finish(state), replies } : this.enter(next, state, replies, origin);
  }

  enter(stepId: string, state: ConversationState, replies: OutboundMessage[], origin: string): Outcome {
    const step = this.flow.step(stepId);
    if (!this.holds(step, state)) return step.on_no === undefined ? this.leave(step, state, replies, origin) : this.enter(step.on_no, state, replies, origin);
    if (step.skip_if_known && state.data[step.skip_if_known] !== undefined) return this.leave(step, state, replies, origin);

    if (step.say && !step.ask) replies.push({ text: this.say(step.say, state) });
    if (step.action === 'use_profile') {
      const { name, phone, address } = state.profile ?? {};
      const data = { ...state.data, ...(name ? { name } : {}), ...(phone && !state.data.phone ? { phone } : {}), ...(address ? { address } : {}) };
      return this.leave(step, { ...state, data }, replies, origin);
    }
    if (step.action) return { state: { ...state, step: step.id }, replies, effect: { action: step.action, retryStep: origin } };
    if (step.ask) {
      const asking = { ...state, step: step.id, retries: 0 };
      if (step.say) replies.push({ text: this.say(step.say, state) });
      return { state: asking, replies: [...replies, ...this.prompt(step, asking)] };
    }
    return this.leave(step, state, replies, origin);
  }

  private holds(step: FlowStep, state: ConversationState): boolean {
    if (step.when === 'has_profile') return Boolean(state.profile?.name);
    if (step.when === 'has_pin') return state.data.location?.latitude !== undefined;
    return true;
  }

  private finish(state: ConversationState): ConversationState {
    return idleState(state.locale, state.profile, state.pendingConfirmation);
  }

  /** The question of an ask step, re-sent after help or a language switch. */
  prompt(step: FlowStep, state: ConversationState): OutboundMessage[] {
    return [this.promptMessage(step, state)];
  }

  promptFor(state: ConversationState): OutboundMessage[] {
    if (state.step === ONE_SHOT_STEP) return [this.oneShot.prompt(state)];
    return state.step === undefined ? [] : this.prompt(this.flow.step(state.step), state);
  }

  private promptMessage(step: FlowStep, state: ConversationState): OutboundMessage {
    const textKey = this.questionKey(step, state);
    let text = textKey ? this.say(textKey, state) : '';
    const request = step.request === 'contact' && this.ctx.capabilities.canRequestContact ? 'contact' : step.request === 'location' && this.ctx.capabilities.canRequestLocation ? 'location' : undefined;
    if (request === 'contact') text += `\n${this.t(state, 'ask.phone_button')}`;
    const choices =
      step.ask === 'confirm' ? [{ value: 'yes', label: this.t(state, 'yes') }, { value: 'no', label: this.t(state, 'no') }]
      : step.ask === 'choice' ? this.choices(step, state)
      : step.ask === 'photo' ? this.photoChoices(state)
      : undefined;
    return { text, ...(choices ? { choices } : {}), ...(request ? { request, requestLabel: this.t(state, `ask.share_${request}`) } : {}) };
  }

  /** The question as it stands: more photos after the first one; the location's one follow-up. */
  private questionKey(step: FlowStep, state: ConversationState): string | undefined {
    if (step.ask === 'photo' && (state.data.photos?.length ?? 0) > 0) return 'ask.photos_more';
    if (step.ask === 'location' && step.store && state.data[step.store] !== undefined) return 'ask.location_detail';
    return step.text;
  }

  private choices(step: FlowStep, state: ConversationState): Choice[] {
    if (step.choices_from === 'categories') return this.ctx.categories.map((c) => ({ value: c.code, label: c.name[state.locale] ?? c.name.id }));
    return (step.choices ?? []).map((c) => ({ value: c.value, label: this.t(state, c.label) }));
  }

  say(key: string, state: ConversationState): string {
    return this.t(state, key, flowTextVars(this.ctx, state, (k) => this.t(state, k)));
  }

  t(state: ConversationState, key: string, vars?: TextVars): string {
    return this.ctx.texts.t(state.locale, key, vars);
  }
}
