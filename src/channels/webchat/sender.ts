// The web chat's side of the outbox: the browser polls for its messages, so
// a stored message is a delivered one.
import type { ChannelCapabilities } from '../../conversation/messages.js';
import type { ChannelSender } from '../../outbox/sender.js';

export const WEBCHAT_CAPABILITIES: ChannelCapabilities = {
  knowsPhone: false,
  canRequestContact: false,
  canRequestLocation: true, // the page asks the browser for its position
  buttons: true,
  oneShot: false,
};

export const webchatSender: ChannelSender = {
  channel: 'webchat',
  capabilities: WEBCHAT_CAPABILITIES,
  delivery: 'pull',
  send: () => Promise.resolve({}),
};
