// The normalised messages every channel translates to and from. The router
// and the flows see only these; channel differences are capabilities.
import { z } from 'zod';
import type { AttachmentRejection } from '../storage/attachments.js';
import { CHANNELS, type AttachmentRef, type Channel } from '../tickets/model.js';

/** A photo as the adapter hands it over: already stored, or the reason it could not be. */
export type PhotoInput = { readonly ref: AttachmentRef } | { readonly rejected: AttachmentRejection | 'download_failed' };

export interface InboundMessage {
  readonly channel: Channel;
  readonly channelUserId: string;
  /** The channel's own id of the message: redeliveries carry the same id and are ignored. */
  readonly messageId: string;
  readonly at: Date;
  readonly text?: string;
  readonly photos?: readonly PhotoInput[];
  readonly location?: { readonly latitude: number; readonly longitude: number; readonly address?: string };
  /** A contact card the person shared; `own` when the channel vouches it is the sender's own. */
  readonly contact?: { readonly phone: string; readonly name?: string; readonly own?: boolean };
  /** What the channel itself knows about the sender (WhatsApp: the phone; email: the address). */
  readonly sender?: { readonly phone?: string; readonly email?: string; readonly name?: string };
  /** Something the flows cannot use (sticker, voice note, video…): answered politely. */
  readonly unsupported?: string;
  /** A voice note, stored for the operators to listen to (the flows cannot read it). */
  readonly voice?: PhotoInput;
  /** The person answers a message the bot sent about this ticket (an email reply in its thread). */
  readonly replyTo?: { readonly ticketNumber: string };
  /** Written by this agency (its answer to a ticket notice), not by a citizen: the channel knows the address. */
  readonly agency?: string;
}

export interface Choice {
  readonly value: string;
  readonly label: string;
}

/**
 * Messages nobody's message asked for, sent when the person may have been silent for days: outside
 * WhatsApp's 24-hour window each goes as its own approved template (README, WhatsApp Cloud API).
 */
export const NOTICE_KINDS = ['confirmationRequest', 'confirmationReminder', 'autoClosed', 'milestone', 'operatorReply'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface OutboundMessage {
  readonly text: string;
  /** A late message: its kind and the parameters of its template, in the template's order. */
  readonly notice?: { readonly kind: NoticeKind; readonly params: readonly string[] };
  readonly choices?: readonly Choice[];
  readonly photo?: AttachmentRef;
  /** Ask the channel to offer a "share my phone number" or "share location" button where it can. */
  readonly request?: 'contact' | 'location';
  /** The label of that button, in the person's language. */
  readonly requestLabel?: string;
  /**
   * An acknowledgement that settles: on push channels it waits a moment (`conversation.settle`), and a
   * later one of the same kind replaces it if it comes meanwhile (an album of photos is acknowledged once).
   */
  readonly settle?: 'photos';
}

export interface ChannelCapabilities {
  /** The sender's phone number comes with every message (WhatsApp). */
  readonly knowsPhone: boolean;
  readonly canRequestContact: boolean;
  readonly canRequestLocation: boolean;
  /** Buttons or a keyboard for choices; otherwise choices are a numbered list in the text. */
  readonly buttons: boolean;
  /** A whole complaint arrives in one message and missing facts are asked for by reply (email). */
  readonly oneShot: boolean;
}

const attachmentRef = z.object({
  fileId: z.string().min(1),
  sha256: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  filename: z.string().optional(),
});

/** Adapters are code, not citizens: a message that fails this is a bug in the adapter. */
export const inboundMessageSchema = z.object({
  channel: z.enum(CHANNELS),
  channelUserId: z.string().min(1).max(200),
  messageId: z.string().min(1).max(300),
  at: z.date(),
  text: z.string().optional(),
  photos: z.array(z.union([z.object({ ref: attachmentRef }), z.object({ rejected: z.enum(['too_large', 'not_an_image', 'empty', 'not_allowed', 'download_failed']) })])).optional(),
  location: z.object({ latitude: z.number(), longitude: z.number(), address: z.string().optional() }).optional(),
  contact: z.object({ phone: z.string(), name: z.string().optional(), own: z.boolean().optional() }).optional(),
  sender: z.object({ phone: z.string().optional(), email: z.string().optional(), name: z.string().optional() }).optional(),
  unsupported: z.string().optional(),
  voice: z.union([z.object({ ref: attachmentRef }), z.object({ rejected: z.enum(['too_large', 'not_an_image', 'empty', 'not_allowed', 'download_failed']) })]).optional(),
  replyTo: z.object({ ticketNumber: z.string().min(1).max(40) }).optional(),
  agency: z.string().min(1).max(40).optional(),
});

export function conversationKey(channel: Channel, channelUserId: string): string {
  return `${channel}:${channelUserId}`;
}
