// A story told over several quick messages: people send "Jalan berlubang" and,
// a moment later, "di depan SD 3, sudah dua minggu". Pure helpers for the
// engine: a text answer that came in parts is joined into one; a short first
// part is kept and joined with the next; a text that follows a free-text
// answer within `conversation.joinWindow`, while the flow already asks the
// next question (photos, the location), continues that answer instead of
// being taken as a wrong answer to the new question.
import * as answers from './answers.js';
import type { Flow, FlowStep } from './flow.js';
import type { InboundMessage } from './messages.js';
import type { ConversationState } from './state.js';

const within = (since: string | undefined, message: InboundMessage, windowMs: number): boolean =>
  since !== undefined && message.at.getTime() - Date.parse(since) <= windowMs;

/** Only words, no photo, pin or contact; not a command-like "done"/"skip" word the next step understands. */
function isContinuation(message: InboundMessage): boolean {
  const text = answers.clean(message.text);
  return text !== '' && !message.photos?.length && !message.location && !message.contact && !answers.isDoneWord(text);
}

/** The question the flow asks right after `stepId`: only while it is being asked does a text continue the answer before. */
function nextQuestion(flow: Flow, stepId: string): string | undefined {
  let next = flow.after(stepId);
  while (next && next.ask === undefined) next = flow.after(next.id);
  return next?.ask === 'text' ? undefined : next?.id;
}

/**
 * The state with this message added to the free-text answer it continues, or undefined when it answers
 * the current question. The flow's next question was asked already; nothing more needs to be said.
 */
export function continueStory(flow: Flow, step: FlowStep, state: ConversationState, message: InboundMessage, windowMs: number): ConversationState | undefined {
  const told = state.story;
  if (!told || step.id !== nextQuestion(flow, told.step) || !isContinuation(message) || !within(told.at, message, windowMs)) return undefined;
  const previous = flow.step(told.step);
  const key = previous.store;
  const earlier = key === undefined ? undefined : state.data[key];
  if (key === undefined || typeof earlier !== 'string') return undefined;
  return { ...state, data: { ...state.data, [key]: `${earlier}\n${answers.clean(message.text)}` }, story: { step: told.step, at: message.at.toISOString() } };
}

/** The message a free-text step validates: a short first part kept from a moment ago, joined with this one. */
export function withDraft(step: FlowStep, state: ConversationState, message: InboundMessage, windowMs: number): InboundMessage {
  const draft = state.story;
  if (step.ask !== 'text' || draft?.step !== step.id || draft.draft === undefined || !within(draft.at, message, windowMs) || !isContinuation(message)) return message;
  return { ...message, text: `${draft.draft}\n${answers.clean(message.text)}` };
}

/** What to remember after a message at `step`: a free-text answer (or its short first part) can be continued. */
export function storyAfter(step: FlowStep, message: InboundMessage, accepted: boolean): Pick<ConversationState, 'story'> | Record<string, never> {
  if (step.ask !== 'text') return {};
  const text = answers.clean(message.text);
  if (accepted) return { story: { step: step.id, at: message.at.toISOString() } };
  // Only a part too short to stand alone is kept; one refused for being too long is not a beginning.
  return text === '' || text.length >= (step.min ?? 1) ? {} : { story: { step: step.id, at: message.at.toISOString(), draft: text } };
}
