// Photos a person sends, at the photo step or at any other: kept up to
// `limits.photosPerTicket`, each once; a refused one (too large, not an
// image) is said why; what was added is acknowledged with the count.
import type { AttachmentRef } from '../tickets/model.js';
import type { EngineContext } from './engine.js';
import { formatBytes } from './flow-text-vars.js';
import type { InboundMessage, OutboundMessage } from './messages.js';
import type { ConversationState } from './state.js';

/** The photos after this message; what to say about them is added to `replies`. `quiet`: no acknowledgement (email). */
export function addPhotos(
  ctx: Pick<EngineContext, 'limits' | 'texts'>,
  current: readonly AttachmentRef[],
  incoming: NonNullable<InboundMessage['photos']>,
  replies: OutboundMessage[],
  state: ConversationState,
  { quiet = false }: { quiet?: boolean } = {},
): AttachmentRef[] {
  const t = (key: string, vars?: Readonly<Record<string, string | number>>) => ctx.texts.t(state.locale, key, vars);
  const max = ctx.limits.photosPerTicket;
  const photos = [...current];
  let added = 0;
  let overLimit = false;
  for (const photo of incoming) {
    if ('rejected' in photo) {
      replies.push({ text: t(`photo.${photo.rejected}`, { max: formatBytes(ctx.limits.photoMaxBytes) }) });
    } else if (photos.some((p) => p.fileId === photo.ref.fileId)) {
      continue;
    } else if (photos.length >= max) {
      overLimit = true;
    } else {
      photos.push(photo.ref);
      added++;
    }
  }
  if (overLimit) replies.push({ text: t('photo.over_limit', { max }) });
  if (added > 0 && !quiet) {
    const key = photos.length >= max ? 'photo.limit_reached' : 'photo.received';
    // Photos sent together arrive one message each: the next one's acknowledgement replaces this one.
    replies.push({ text: t(key, { count: photos.length, max }), settle: 'photos' });
  }
  return photos;
}
