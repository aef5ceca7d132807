// One person's identities across channels, and the tickets that belong to them:
// those of each identity (channel + channelUserId) and those taken by phone or at the
// counter with the same phone or email. Every read is keyed and bounded.
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Ticket } from '../tickets/model.js';
import { ticketModel } from './models/ticket.js';
import { prepareCollection } from './indexes.js';
import { type PersonDoc, type PersonIdentity, personModel } from './models/person.js';

export type PersonTicket = Pick<Ticket, 'number' | 'status' | 'category' | 'agency' | 'channel' | 'createdAt' | 'reporter'>;

export interface PersonStore {
  /** The merged person an identity belongs to, or null (nobody merged it). */
  personOf(identity: PersonIdentity): Promise<PersonDoc | null>;
  /** Tickets of these identities, or with one of these phones or emails; newest first, at most `limit`; `agency` narrows. */
  tickets(match: { identities: readonly PersonIdentity[]; phones: readonly string[]; emails: readonly string[] }, limit: number, agency?: string): Promise<PersonTicket[]>;
  /** Joins `other` to the person of `identity` (joining two merged persons into one); the person's id. */
  merge(identity: PersonIdentity, other: PersonIdentity, actor: string, now: Date): Promise<string>;
  /** Takes `identity` out of its person (a person left with one identity is no more); false when it was not merged. */
  split(identity: PersonIdentity, actor: string, now: Date): Promise<boolean>;
}

const PROJECTION = { number: 1, status: 1, category: 1, agency: 1, channel: 1, createdAt: 1, reporter: 1, _id: 0 } as const;
export const keyOf = (i: PersonIdentity): string => `${i.channel}:${i.channelUserId}`;
const same = (a: PersonIdentity, b: PersonIdentity) => a.channel === b.channel && a.channelUserId === b.channelUserId;

export function mongoPersonStore(connection: Connection): PersonStore {
  const people = personModel(connection);
  const tickets = ticketModel(connection);
  const personOf = (identity: PersonIdentity) =>
    people.findOne({ keys: keyOf(identity) }).lean<PersonDoc>();
  return {
    personOf,
    async tickets({ identities, phones, emails }, limit, agency) {
      const or: Record<string, unknown>[] = identities.map((i) => ({ channel: i.channel, 'reporter.channelUserId': i.channelUserId }));
      if (phones.length > 0) or.push({ 'reporter.phone': { $in: [...phones] } });
      if (emails.length > 0) or.push({ 'reporter.email': { $in: [...emails] } });
      if (or.length === 0) return [];
      const filter = agency === undefined ? { $or: or } : { $or: or, agency };
      return tickets.find(filter, PROJECTION).sort({ createdAt: -1 }).limit(limit).lean<PersonTicket[]>();
    },
    async merge(identity, other, actor, now) {
      const [mine, theirs] = await Promise.all([personOf(identity), personOf(other)]);
      if (mine && mine._id === theirs?._id) return mine._id;
      const target = mine ?? theirs;
      const joined = [...(mine?.identities ?? [identity]), ...(theirs?.identities ?? [other])].filter((i, n, all) => all.findIndex((j) => same(i, j)) === n);
      const identities = joined.map(({ channel, channelUserId }) => ({ channel, channelUserId }));
      if (!target) {
        const id = `p_${randomBytes(8).toString('hex')}`;
        await people.create({ _id: id, identities, keys: identities.map(keyOf), createdAt: now, updatedAt: now, updatedBy: actor });
        return id;
      }
      await people.updateOne({ _id: target._id }, { $set: { identities, keys: identities.map(keyOf), updatedAt: now, updatedBy: actor } });
      if (mine && theirs) await people.deleteOne({ _id: theirs._id });
      return target._id;
    },
    async split(identity, actor, now) {
      const person = await personOf(identity);
      if (!person) return false;
      const rest = person.identities.filter((i) => !same(i, identity)).map(({ channel, channelUserId }) => ({ channel, channelUserId }));
      if (rest.length <= 1) await people.deleteOne({ _id: person._id });
      else await people.updateOne({ _id: person._id }, { $set: { identities: rest, keys: rest.map(keyOf), updatedAt: now, updatedBy: actor } });
      return true;
    },
  };
}

/** The store, after its collection and index exist. */
export async function preparePersonStore(connection: Connection): Promise<PersonStore> {
  const model = personModel(connection);
  await prepareCollection(model);
  return mongoPersonStore(connection);
}
