import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n.js';

export interface Confirmation {
  /** The question, with what will happen ("Tolak ADU-…? …"). */
  readonly text: string;
  /** The confirming button's label: the action itself, so the operator reads what they confirm. */
  readonly confirm: string;
  readonly danger?: boolean;
  /** A word to type before the button acts (an erasure): a tap on the wrong button cannot destroy data. */
  readonly typeWord?: { readonly word: string; readonly label: string };
  readonly run: () => void;
}

/** A modal question before an action that cannot simply be taken back (reject, forward, transfer, validate). */
export function Confirm({ ask, onClose }: { ask: Confirmation | null; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const d = dialog.current;
    setTyped('');
    if (!d) return;
    if (ask && !d.open) d.showModal();
    if (!ask && d.open) d.close();
  }, [ask]);
  const word = ask?.typeWord;
  const ready = !word || typed.trim().toUpperCase() === word.word;
  const go = () => { if (!ready) return; const run = ask?.run; onClose(); run?.(); };
  return (
    <dialog ref={dialog} class="confirm" aria-labelledby="confirm-text" onClose={onClose}>
      <p id="confirm-text">{ask?.text}</p>
      {word && (
        <form onSubmit={(e) => { e.preventDefault(); go(); }}>
          <label>{word.label}<input value={typed} autocomplete="off" autocapitalize="characters" spellcheck={false} onInput={(e) => { setTyped(e.currentTarget.value); }} /></label>
        </form>
      )}
      <div class="buttons">
        <button type="button" class="secondary" onClick={onClose}>{t('cancel')}</button>
        <button type="button" class={ask?.danger ? 'danger' : ''} disabled={!ready} onClick={go}>{ask?.confirm}</button>
      </div>
    </dialog>
  );
}
