// The intake of a report that arrives in one piece (an email): everything
// the message says is taken at once (labelled lines, a phone number, map
// coordinates, the sender's name; see one-shot.ts) and whatever is missing
// is asked for in one reply; the answer to that is read the same way. Pure,
// like the engine whose steps it uses.
import type { EngineContext, Outcome, StepRunner } from './engine.js';
import { ONE_SHOT_STEP } from './engine.js';
import * as answers from './answers.js';
import type { Flow } from './flow.js';
import type { InboundMessage, OutboundMessage } from './messages.js';
import { answersToQuestions, type Candidates, type Fact, findCoordinates, findPhone, labelledFacts, withoutLabelledLines } from './one-shot.js';
import type { ConversationState, FlowData } from './state.js';

export class OneShotIntake {
  constructor(private readonly flow: Flow, private readonly ctx: EngineContext, private readonly steps: StepRunner) {}

  start(state: ConversationState, known: Partial<FlowData>, message: InboundMessage): Outcome {
    const oneShot = this.flow.one_shot;
    if (!oneShot) return this.steps.enter(this.flow.start, { ...state, flow: this.flow.id, data: { ...known }, retries: 0 }, [], this.flow.start);
    const replies: OutboundMessage[] = [];
    const text = message.text ?? '';
    const phone = findPhone(text);
    const candidates: Candidates = {
      ...(message.sender?.name ? { name: message.sender.name } : {}),
      ...(phone === undefined ? {} : { phone }),
      category: text,
      description: withoutLabelledLines(text).slice(0, this.ctx.limits.descriptionMaxChars),
      ...labelledFacts(text),
    };
    const coordinates = findCoordinates(text);
    let next: ConversationState = { ...state, flow: this.flow.id, step: ONE_SHOT_STEP, data: { ...known }, retries: 0 };
    next = this.takeFacts(next, message, candidates, replies);
    if (next.data.location === undefined && coordinates) next = { ...next, data: { ...next.data, location: coordinates } };
    // A returning reporter's identity fills what this message does not say.
    const { profile } = next;
    const fromProfile = { ...(profile?.name ? { name: profile.name } : {}), ...(profile?.phone ? { phone: profile.phone } : {}), ...(profile?.address ? { address: profile.address } : {}) };
    next = { ...next, data: { ...fromProfile, ...next.data } };
    return this.afterFacts(next, replies);
  }

  /** The reply to "please send these missing facts". */
  answer(state: ConversationState, message: InboundMessage): Outcome {
    const replies: OutboundMessage[] = [];
    const asked = this.missingFacts(state);
    const text = message.text ?? '';
    const candidates = answersToQuestions(text, asked);
    if (asked.includes('phone') && candidates.phone === undefined) {
      const phone = findPhone(text);
      if (phone !== undefined) candidates.phone = phone;
    }
    let next = this.takeFacts(state, message, candidates, replies);
    const coordinates = findCoordinates(text);
    if (next.data.location === undefined && coordinates) next = { ...next, data: { ...next.data, location: coordinates } };
    return this.afterFacts({ ...next, retries: state.retries + 1 }, replies);
  }

  /** The question again (after help or a language switch). */
  prompt(state: ConversationState): OutboundMessage {
    return this.askFacts(this.missingFacts(state), state);
  }

  /** Keeps every candidate the flow's own validation accepts, and the photos. */
  private takeFacts(state: ConversationState, message: InboundMessage, candidates: Candidates, replies: OutboundMessage[]): ConversationState {
    let data: FlowData = { ...state.data };
    if (message.photos?.length) data = { ...data, photos: this.steps.addPhotos(data.photos ?? [], message.photos, replies, state, { quiet: true }) };
    if (message.location && data.location === undefined) {
      const location = answers.answerLocation(message);
      if (location.ok) data = { ...data, location: location.value };
    }
    for (const fact of this.missingFacts({ ...state, data })) {
      const step = this.flow.storing(fact);
      const candidate = candidates[fact];
      if (!step || candidate === undefined) continue;
      const coordinates = fact === 'location' ? findCoordinates(candidate) : undefined;
      if (coordinates) {
        data = { ...data, location: coordinates };
        continue;
      }
      const result = this.steps.validate(step, { ...message, text: candidate, photos: [] }, state);
      if (result.ok) data = { ...data, [fact]: result.value };
    }
    return { ...state, data };
  }

  private afterFacts(state: ConversationState, replies: OutboundMessage[]): Outcome {
    const oneShot = this.flow.one_shot;
    const missing = this.missingFacts(state);
    if (!oneShot || missing.length > 0) return { state: { ...state, step: ONE_SHOT_STEP }, replies: [...replies, this.askFacts(missing, state)] };
    const ready = { ...state, retries: 0 };
    if (oneShot.summary) replies.push({ text: this.steps.say(oneShot.summary, ready) });
    return this.steps.enter(oneShot.then, ready, replies, ONE_SHOT_STEP);
  }

  private missingFacts(state: ConversationState): Fact[] {
    return (this.flow.one_shot?.facts ?? []).filter((fact) => state.data[fact] === undefined);
  }

  /** One message listing every missing fact as a line to fill in. */
  private askFacts(missing: readonly Fact[], state: ConversationState): OutboundMessage {
    const lines = missing.map((fact) => {
      const line = this.steps.t(state, `one_shot.fact.${fact}`);
      if (fact !== 'category') return line;
      const list = this.ctx.categories.map((c, i) => `   ${String(i + 1)}. ${c.name[state.locale] ?? c.name.id}`).join('\n');
      return `${line}\n${list}`;
    });
    const intro = state.retries > 0 ? 'one_shot.still_missing' : 'one_shot.missing';
    return { text: [this.steps.t(state, intro), lines.join('\n'), this.steps.t(state, 'one_shot.how')].join('\n\n') };
  }
}
