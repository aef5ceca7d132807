// The chain every inbound message runs through, in this order. The first
// handler that knows what the message means answers it; the flow at the end
// takes whatever is left. A new conversational feature is a new handler
// here, in the place where it should win over the ones after it.
import type { Handler } from '../chain.js';
import { agencyReply } from './agency-reply.js';
import { commands } from './commands.js';
import { confirmation } from './confirmation.js';
import { dataRequest } from './data-request.js';
import { expiry } from './expiry.js';
import { flow } from './flow.js';
import { oneShot } from './one-shot.js';
import { operatorChat } from './operator-chat.js';
import { privacy } from './privacy.js';
import { satisfaction } from './satisfaction.js';
import { threadReply } from './thread-reply.js';
import { unsupported } from './unsupported.js';

export const HANDLERS: readonly Handler[] = [
  agencyReply, // an agency's answer to its notice: to the ticket, never into a citizen's flow
  privacy, // (never stops the chain) the privacy notice at a person's first message, before any other word
  expiry, // a report that timed out is ended (and said so) before anything else reads the state
  unsupported, // stickers, voice notes…: a polite word and the question again
  dataRequest, // "hapus data saya" (whole message): recorded for the data protection officer, then the question again
  commands, // BATAL, MENU, BANTUAN, ENGLISH, STATUS …: whole-message commands win over answers
  confirmation, // yes/no to "has the problem been solved?"
  satisfaction, // 1–5 to "how satisfied are you?", asked after a confirmed close
  threadReply, // a reply in a ticket's thread joins that ticket
  operatorChat, // an answer to an operator's message goes to the operator
  oneShot, // email: one message is a whole report
  flow, // the complaint flow: start a report or answer its question
];
