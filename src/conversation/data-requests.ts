// A citizen's request about their personal data (UU PDP 27/2022, issue 17 item 2): what the conversation
// records when a person writes "hapus data saya". The city's data protection officer handles it later.
import type { Channel } from '../tickets/model.js';

export interface DataRequest {
  /** The recorded inbound message that asked: a redelivered or reprocessed message records nothing twice. */
  readonly id: string;
  readonly channel: Channel;
  readonly channelUserId: string;
  readonly conversationKey: string;
  /** A citizen's message asks for erasure; access and correction requests are the DPO's to record. */
  readonly kind: 'erase' | 'access' | 'correct';
  /** Closed by the data protection officer (src/storage/privacy-request-store.ts). */
  readonly status: 'open' | 'closed';
  readonly createdAt: Date;
  /** Short, said to the person: "PD-7K3Q9M". */
  readonly reference: string;
}

export interface DataRequestLog {
  /** Records the request once (keyed by `id`) with its audit entry; returns the request as stored. */
  record(request: DataRequest): Promise<DataRequest>;
  /** Open requests, oldest first. */
  open(limit: number): Promise<DataRequest[]>;
}

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A reference derived from the inbound message's id: the same message always gets the same one. */
export function dataRequestReference(id: string, hash: (text: string) => Buffer): string {
  const bytes = hash(id);
  let out = '';
  for (let i = 0; i < 6; i++) out += ALPHABET.charAt((bytes[i] ?? 0) % ALPHABET.length);
  return `PD-${out}`;
}
