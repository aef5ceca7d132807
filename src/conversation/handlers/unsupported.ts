// Something the flows cannot use (a sticker, a voice note, a video): a polite
// word, and the question the person was at, again.
import type { Handler } from '../chain.js';

export const unsupported: Handler = async (ctx, next) => {
  if (ctx.message.unsupported === undefined) {
    await next();
    return;
  }
  ctx.reply({ text: ctx.t('unsupported') }, ...ctx.engine.promptFor(ctx.state));
};
