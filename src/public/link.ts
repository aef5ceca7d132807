// The addresses of the public pages, as the bot's messages give them.
import type { Config } from '../config/schema.js';

export type PublicLinkConfig = Pick<Config, 'public' | 'server'>;

/** Where citizens reach this service: `public.baseUrl` (PUBLIC_URL), else http://localhost:<port> (a newcomer's `npm start`). */
export function publicBaseUrl(config: PublicLinkConfig): string {
  return (config.public.baseUrl ?? `http://localhost:${String(config.server.port)}`).replace(/\/+$/, '');
}

/** The ticket's status page, or undefined for a ticket that has no token yet. */
export function statusUrl(config: PublicLinkConfig, ticket: { number: string; publicToken?: string }): string | undefined {
  if (ticket.publicToken === undefined) return undefined;
  return `${publicBaseUrl(config)}/t/${encodeURIComponent(ticket.number)}?k=${encodeURIComponent(ticket.publicToken)}`;
}
