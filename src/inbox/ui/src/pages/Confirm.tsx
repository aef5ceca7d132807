import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n.js';

export interface Confirmation {
  /** The question, with what will happen ("Tolak ADU-…? …"). */
  readonly text: string;
  /** The confirming button's label: the action itself, so the operator reads what they confirm. */
  readonly confirm: string;
  readonly danger?: boolean;
  readonly run: () => void;
}

/** A modal question before an action that cannot simply be taken back (reject, forward, transfer, validate). */
export function Confirm({ ask, onClose }: { ask: Confirmation | null; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (ask && !d.open) d.showModal();
    if (!ask && d.open) d.close();
  }, [ask]);
  return (
    <dialog ref={dialog} class="confirm" aria-labelledby="confirm-text" onClose={onClose}>
      <p id="confirm-text">{ask?.text}</p>
      <div class="buttons">
        <button type="button" class="secondary" onClick={onClose}>{t('cancel')}</button>
        <button type="button" class={ask?.danger ? 'danger' : ''} onClick={() => { const run = ask?.run; onClose(); run?.(); }}>{ask?.confirm}</button>
      </div>
    </dialog>
  );
}
