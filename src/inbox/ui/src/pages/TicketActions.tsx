import { useState } from 'preact/hooks';
import type { Me, Meta, TicketDetail } from '../api.js';
import { errorMessage } from '../errors.js';
import { label, say, t } from '../i18n.js';
import { agencyName } from '../words.js';
import { Confirm, type Confirmation } from './Confirm.js';

/** Actions that need the operator's reason (the server refuses them without one): asked for before any round trip. */
const NEEDS_REASON = new Set(['reject', 'returnToAgency', 'reopen']);

/** Actions that end the city's handling: shown in red, here and in their question. */
const DANGER = new Set(['reject', 'forward']);

const QUESTIONS: Readonly<Record<string, readonly [string, string]>> = {
  reject: ['Tolak tiket {number}? Tiket ditutup tanpa tindak lanjut. Alasan: “{reason}”', 'Reject ticket {number}? It is closed without follow-up. Reason: “{reason}”'],
  forward: ['Teruskan tiket {number} ke {channel}? Tiket keluar dari penanganan kota.', 'Forward ticket {number} to {channel}? It leaves the city\'s handling.'],
  validate: ['Validasi hasil tiket {number}? Tiket menjadi "Sudah ditindaklanjuti" dan pelapor diminta mengonfirmasi.', 'Validate the result of ticket {number}? It becomes "Resolved" and the reporter is asked to confirm.'],
  route: ['Alihkan tiket {number} dari {from} ke {to}? {to} mendapat tenggat tanggapan baru; tindak lanjut {from} berhenti.', 'Transfer ticket {number} from {from} to {to}? {to} gets a new response deadline; {from}\'s follow-up stops.'],
};

export interface ActionsProps {
  ticket: TicketDetail;
  me: Me;
  meta: Meta;
  busy: boolean;
  /** Sends one action (`name` keys its Idempotency-Key); true when the server accepted it. */
  send: (name: string, path: string, body: unknown) => Promise<boolean>;
  onError: (text: string) => void;
}

/** The ticket's life-cycle actions, the result form and the transfer, with a question before what cannot be undone. */
export function TicketActions({ ticket, me, meta, busy, send, onError }: ActionsProps) {
  const [reason, setReason] = useState('');
  const [agency, setAgency] = useState('');
  const [ask, setAsk] = useState<Confirmation | null>(null);
  const can = (permission: string) => me.operator.permissions.includes(permission);
  const path = (tail: string) => `/api/tickets/${ticket.number}/${tail}`;
  const forwardName = meta.forwarding[0]?.name ?? 'SP4N-LAPOR!';
  const vars = { number: ticket.number, reason: reason.trim(), channel: forwardName, from: agencyName(meta, ticket.agency ?? ''), to: agencyName(meta, agency) };
  const confirmFirst = (action: string, run: () => void) => {
    const question = QUESTIONS[action];
    if (question) setAsk({ text: say(question, vars), confirm: label(action), danger: DANGER.has(action), run });
    else run();
  };

  const transition = (to: string) => {
    if (NEEDS_REASON.has(to) && !reason.trim()) {
      onError(errorMessage('note_required', { action: to }));
      return;
    }
    confirmFirst(to, () => {
      void send(`transition:${to}`, path('transitions'), { to, expectedVersion: ticket.version, ...(reason.trim() ? { note: reason.trim() } : {}) }).then((ok) => { if (ok) setReason(''); });
    });
  };
  const transfer = () => {
    confirmFirst('route', () => {
      void send('assign', path('assign'), { agency, expectedVersion: ticket.version, ...(reason.trim() ? { note: reason.trim() } : {}) }).then((ok) => {
        if (ok) { setReason(''); setAgency(''); }
      });
    });
  };
  const submitResult = (form: HTMLFormElement) => {
    const data = new FormData(form);
    data.set('expectedVersion', String(ticket.version));
    // Cleared once sent, so nothing invites sending the same result twice.
    void send('result', path('result'), data).then((ok) => { if (ok) form.reset(); });
  };

  return (
    <section class="card actions">
      <h2>{t('actions')}</h2>
      <textarea rows={2} placeholder={t('noteOrReason')} aria-label={t('noteOrReason')} value={reason} onInput={(e) => { setReason(e.currentTarget.value); }} />
      <div class="buttons">{ticket.actions.filter((a) => a !== 'route' && a !== 'submitResult').map((a) => <button type="button" disabled={busy} class={DANGER.has(a) ? 'danger' : ''} onClick={() => { transition(a); }}>{label(a)}</button>)}</div>
      {ticket.actions.includes('submitResult') && (
        <form class="result-form" onSubmit={(e) => { e.preventDefault(); submitResult(e.currentTarget); }}>
          <label>{t('resultText')}<textarea name="text" rows={2} required /></label>
          <label>{t('resultPhotos')}<input type="file" name="photo" accept="image/*" multiple /></label>
          <button type="submit" disabled={busy}>{label('submitResult')}</button>
        </form>
      )}
      {can('assign') && ticket.actions.includes('route') && (
        <div class="transfer">
          {/* The current agency is not offered: re-choosing it would only reset its progress. */}
          <select aria-label={t('transferTo')} value={agency} onChange={(e) => { setAgency(e.currentTarget.value); }}>
            <option value="">{t('transferTo')}</option>
            {meta.agencies.filter((a) => a.code !== ticket.agency).map((a) => <option value={a.code}>{a.code} — {a.name}</option>)}
          </select>
          <button type="button" disabled={!agency || busy} onClick={transfer}>{t('transfer')}</button>
        </div>
      )}
      <Confirm ask={ask} onClose={() => { setAsk(null); }} />
    </section>
  );
}
