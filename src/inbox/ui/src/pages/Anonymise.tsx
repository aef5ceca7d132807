import { useState } from 'preact/hooks';
import type { Me, TicketDetail } from '../api.js';
import { say, when } from '../i18n.js';
import { Confirm, type Confirmation } from './Confirm.js';
import { RETENTION_TEXTS as T } from './retention-texts.js';

/** The placeholder the server writes for removed personal data (src/privacy/anonymise.ts), in words. */
const REDACTED = '[anonymised]';
export const redacted = (text: string): string => (text === REDACTED ? say(T.redacted) : text);

const FINISHED = new Set(['closed', 'rejected', 'forwarded']);

/**
 * On a ticket: that its personal data was removed (for everyone), or, for an admin on a finished ticket, the
 * erasure button, confirmed first; a double click acts once (the action's Idempotency-Key).
 */
export function AnonymisePanel({ ticket, me, busy, send }: { ticket: TicketDetail; me: Me; busy: boolean; send: (name: string, path: string, body: unknown) => Promise<boolean> }) {
  const [ask, setAsk] = useState<Confirmation | null>(null);
  if (ticket.anonymisedAt) return <p class="muted anonymised" role="note">{say(T.anonymisedOn, { date: when(ticket.anonymisedAt) })}</p>;
  if (!me.operator.permissions.includes('config') || !FINISHED.has(ticket.status)) return null;
  // The ticket view sends it (its Idempotency-Key, its error line, the reload after).
  const run = () => { void send('anonymise', `/api/admin/tickets/${ticket.number}/anonymise`, {}); };
  return (
    <div class="anonymise">
      <button type="button" class="danger" disabled={busy} title={say(T.anonymiseHint)} onClick={() => { setAsk({ text: say(T.anonymiseAsk, { number: ticket.number }), confirm: say(T.anonymise), danger: true, run }); }}>{say(T.anonymise)}</button>
      <Confirm ask={ask} onClose={() => { setAsk(null); }} />
    </div>
  );
}
