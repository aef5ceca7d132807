// Web chat requests to the normalised InboundMessage: pure, no I/O.
import { randomUUID } from 'node:crypto';
import type { InboundMessage, PhotoInput } from '../../conversation/messages.js';

export const SESSION_ID_PATTERN = '^[A-Za-z0-9_-]{16,64}$';
export const MESSAGE_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

export interface WebchatPost {
  readonly sessionId: string;
  /** Chosen by the page so that a retried POST is recognised; generated when absent. */
  readonly messageId?: string;
  readonly text?: string;
  readonly location?: { readonly latitude: number; readonly longitude: number };
}

export function normaliseWebchatPost(post: WebchatPost, at: Date, photo?: PhotoInput): InboundMessage {
  return {
    channel: 'webchat',
    channelUserId: post.sessionId,
    messageId: post.messageId ?? randomUUID(),
    at,
    ...(post.text === undefined ? {} : { text: post.text }),
    ...(post.location ? { location: { latitude: post.location.latitude, longitude: post.location.longitude } } : {}),
    ...(photo ? { photos: [photo] } : {}),
  };
}
