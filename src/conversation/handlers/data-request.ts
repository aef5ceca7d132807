// "hapus data saya" / "delete my data" (UU PDP 27/2022, issue 17 item 2): the request is recorded for the city's
// data protection officer, the person gets its reference, and then the question they were at, again. Nothing
// is erased here: the officer handles the request and answers on this channel; open reports keep running.
import { createHash } from 'node:crypto';
import type { Handler } from '../chain.js';
import { dataRequestReference } from '../data-requests.js';

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

export const dataRequest: Handler = async (ctx, next) => {
  if (ctx.command?.type !== 'dataRequest') {
    await next();
    return;
  }
  const { recorded } = ctx;
  // Keyed by the recorded message: processed again after a crash, it finds its request and says the same reference.
  const request = await ctx.services.dataRequests.record({
    id: recorded.id,
    channel: recorded.message.channel,
    channelUserId: recorded.message.channelUserId,
    conversationKey: recorded.conversationKey,
    kind: 'erase',
    status: 'open',
    createdAt: ctx.now,
    reference: dataRequestReference(recorded.id, sha256),
  });
  ctx.reply({ text: ctx.t('data_request_recorded', { reference: request.reference }) }, ...ctx.engine.promptFor(ctx.state));
};
