import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { useBusy } from '../busy.js';
import { errorText } from '../errors.js';
import { label, say, t } from '../i18n.js';
import { useActionKeys } from '../keys.js';
import { type DataRequest, OUTCOMES, type RequestKind, type RequestOutcome } from './dpo-api.js';
import { DPO_TEXTS as T } from './dpo-texts.js';

/** What answering each kind of request usually ends as; the DPO can choose another. */
const LIKELY: Readonly<Record<RequestKind, RequestOutcome>> = { erase: 'erased', access: 'exported', correct: 'corrected' };

/**
 * "Tutup permintaan": the outcome and a note; the server tells the citizen on their channel (a refusal carries the
 * note as written, so it is required then). A double click closes once (one Idempotency-Key per intent).
 */
export function DpoCloseRequest({ request, onClosed }: { request: DataRequest; onClosed: (message: string, ok: boolean) => void }) {
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<RequestOutcome>(LIKELY[request.kind]);
  const { busy, once } = useBusy();
  const [error, setError] = useState<string | null>(null);
  const keys = useActionKeys();
  if (!open) return <button type="button" class="secondary" aria-label={say(T.closeTitle, { ref: request.reference })} onClick={() => { setOpen(true); }}>{say(T.close)}</button>;

  const submit = async (form: HTMLFormElement) => {
    const note = (form.elements.namedItem('note') as HTMLTextAreaElement).value.trim();
    if (outcome === 'refused' && !note) { setError(say(T.closeNoteRequired)); return; }
    await once(async () => {
      try {
        await keys.run(`close-${request.reference}`, (key) => api('POST', `/api/privacy/requests/${encodeURIComponent(request.reference)}/close`, { outcome, note }, { idempotencyKey: key }));
        onClosed(say(T.closed, { ref: request.reference, outcome: say(T[`outcome_${outcome}`]), channel: label(request.channel) }), true);
      } catch (e) {
        // Closed by a colleague meanwhile: the list is reloaded with the sentence saying so.
        if (e instanceof ApiError && e.code === 'request_closed') onClosed(errorText(e), false);
        else setError(errorText(e));
      }
    });
  };
  const id = `close-${request.reference}`;
  return (
    <form class="dpo-close" aria-labelledby={`${id}-title`} onSubmit={(e) => { e.preventDefault(); void submit(e.currentTarget); }}>
      <h3 id={`${id}-title`}>{say(T.closeTitle, { ref: request.reference })}</h3>
      <label>{say(T.outcome)}
        <select name="outcome" value={outcome} onChange={(e) => { setOutcome(e.currentTarget.value as RequestOutcome); setError(null); }}>
          {OUTCOMES.map((o) => <option key={o} value={o}>{say(T[`outcome_${o}`])}</option>)}
        </select>
      </label>
      <label>{say(T.closeNote)}
        <textarea name="note" rows={2} maxLength={1000} aria-required={outcome === 'refused'} aria-describedby={`${id}-hint`} onInput={() => { setError(null); }} />
      </label>
      <p id={`${id}-hint`} class="muted">{outcome === 'refused' ? `${say(T.closeNoteHint)} ` : ''}{say(T.closeTells, { channel: label(request.channel) })}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="buttons">
        <button type="button" class="secondary" onClick={() => { setOpen(false); setError(null); }}>{t('cancel')}</button>
        <button type="submit" disabled={busy}>{say(T.close)}</button>
      </div>
    </form>
  );
}
