// Storing what a person sent, the same way on every channel: the stored
// file's reference, or the reason the store refused it, which the
// conversation answers ("the photo is too large…"). Any other failure (the
// database) throws, so the channel gets the message delivered again.
import type { PhotoInput } from '../conversation/messages.js';
import type { AttachmentRef } from '../tickets/model.js';
import { AttachmentRejectedError, type AttachmentStore, type SaveAttachmentInput } from '../storage/attachments.js';

/** A photo: stored if its bytes are an image within the size limit. */
export function storePhoto(attachments: Pick<AttachmentStore, 'saveImage'>, input: SaveAttachmentInput): Promise<PhotoInput> {
  return asPhotoInput(() => attachments.saveImage(input));
}

/** A document (an email's PDF letter): stored if the configuration allows its type. */
export function storeDocument(attachments: Pick<AttachmentStore, 'saveFile'>, input: SaveAttachmentInput & { readonly contentType: string }, allowedTypes: readonly string[]): Promise<PhotoInput> {
  return asPhotoInput(() => attachments.saveFile(input, allowedTypes));
}

/** What voice notes arrive as: Telegram and WhatsApp send Opus in Ogg; some phones AAC, MP4 or AMR. */
export const VOICE_TYPES = ['audio/ogg', 'audio/opus', 'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/amr', 'audio/webm', 'audio/wav'] as const;

/** A voice note, kept for the operators to listen to. */
export function storeVoice(attachments: Pick<AttachmentStore, 'saveFile'>, input: SaveAttachmentInput & { readonly contentType: string }): Promise<PhotoInput> {
  return storeDocument(attachments, input, VOICE_TYPES);
}

async function asPhotoInput(save: () => Promise<AttachmentRef>): Promise<PhotoInput> {
  try {
    return { ref: await save() };
  } catch (error) {
    if (error instanceof AttachmentRejectedError) return { rejected: error.reason };
    throw error;
  }
}
