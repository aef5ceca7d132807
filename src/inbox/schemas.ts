// Request shapes shared by the inbox routes. Every value an operator sends is
// a plain string, number or boolean of a known form by the time a handler
// sees it: objects such as {"$gt": ""} never reach a query.
import { z } from 'zod';

export const ticketNumber = z.string().regex(/^[A-Z]{2,6}-\d{4}-\d{5,}$/, 'expected a ticket number like ADU-2611-00042');
export const ticketParams = z.strictObject({ number: ticketNumber });
export const code = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a code');
export const username = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'expected 2–64 lowercase letters, digits, ".", "_" or "-"');
export const messageText = z.string().trim().min(1, 'must not be empty').max(4_000);
export const note = z.string().trim().max(2_000).optional();
export const expectedVersion = z.number().int().nonnegative().optional();
export const errorBody = z.object({ error: z.string(), message: z.string() });
