// Something the flows cannot use (a sticker, a voice note, a video, a pin
// without coordinates): a polite word saying what to send instead, and the
// question the person was at, again. A voice note is kept with the message
// (the channel stored it) for the operators to listen to.
import type { Handler } from '../chain.js';

/** What each kind the channels report is answered with (`unsupported_kind.<text>`); others get the general word. */
const KINDS: Readonly<Record<string, string>> = {
  voice: 'voice',
  audio: 'voice',
  ptt: 'voice',
  video: 'video',
  video_note: 'video',
  animation: 'video',
  gif: 'video',
  sticker: 'sticker',
  location: 'location',
};

export const unsupported: Handler = async (ctx, next) => {
  const kind = ctx.message.unsupported;
  if (kind === undefined) {
    await next();
    return;
  }
  const text = KINDS[kind];
  ctx.reply({ text: ctx.t(text ? `unsupported_kind.${text}` : 'unsupported') }, ...ctx.engine.promptFor(ctx.state));
};
