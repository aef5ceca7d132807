import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useBusy } from '../busy.js';
import { errorText } from '../errors.js';
import { say } from '../i18n.js';
import { useActionKeys } from '../keys.js';
import { Confirm, type Confirmation } from './Confirm.js';
import { type DataRequest, type Erased, personPath, type PrivacyPerson } from './dpo-api.js';
import { DPO_TEXTS as T } from './dpo-texts.js';

/**
 * "Hapus data pribadi": the photos decision and the reason (the person's open requests close with it), then a danger dialog that says
 * what happens and wants HAPUS typed. One Idempotency-Key per intent: a double click erases once; the person view
 * shows the server's counts (zeros when it was erased before).
 */
export function DpoErase({ person, requests, onErased }: { person: PrivacyPerson; requests: readonly DataRequest[]; onErased: (erased: Erased) => void }) {
  const open = requests.filter((r) => r.status === 'open');
  const [photos, setPhotos] = useState<'remove' | 'keep'>('remove');
  const [ask, setAsk] = useState<Confirmation | null>(null);
  const { busy, once } = useBusy();
  const [error, setError] = useState<string | null>(null);
  const keys = useActionKeys();
  // The server closes every open request of the person with the erasure, telling the citizen before their data goes.
  const refs = open.map((r) => r.reference).join(', ');

  const erase = (note: string) => once(async () => {
    try {
      const erased = await keys.run('erase', (key) => api<Erased>('POST', `${personPath(person.key)}/erase`, { photos, note }, { idempotencyKey: key }));
      onErased(erased);
    } catch (e) {
      setError(errorText(e));
    }
  });
  const confirm = (form: HTMLFormElement) => {
    const note = (form.elements.namedItem('note') as HTMLInputElement).value.trim();
    if (!note) { setError(say(T.reasonRequired)); return; }
    setError(null);
    const who = person.name ?? person.phone ?? person.email ?? person.key;
    const text = `${say(T.eraseAsk, { who, n: person.tickets, photos: say(photos === 'remove' ? T.photosRemove : T.photosKeep).toLowerCase() })}${open.length > 0 ? ` ${say(T.eraseAskRequest, { ref: refs })}` : ''}`;
    setAsk({ text, confirm: say(T.erase), danger: true, typeWord: { word: say(T.word), label: say(T.typeWord) }, run: () => { void erase(note); } });
  };
  return (
    <section class="card dpo-action dpo-erase" aria-labelledby="dpo-erase-title">
      <h2 id="dpo-erase-title">{say(T.erase)}</h2>
      <p class="muted">{say(T.eraseHint)}</p>
      <form onSubmit={(e) => { e.preventDefault(); if (!busy) confirm(e.currentTarget); }}>
        <fieldset>
          <legend>{say(T.photosChoice)}</legend>
          <label class="check"><input type="radio" name="photos" value="remove" checked={photos === 'remove'} onChange={() => { setPhotos('remove'); }} />{say(T.photosRemove)}</label>
          <label class="check"><input type="radio" name="photos" value="keep" checked={photos === 'keep'} onChange={() => { setPhotos('keep'); }} />{say(T.photosKeep)}</label>
        </fieldset>
        <label>{say(T.reason)}<input name="note" maxLength={500} aria-required="true" placeholder={say(T.reasonHint)} autocomplete="off" /></label>
        {open.length > 0 && <p class="dpo-closes">{say(T.eraseAskRequest, { ref: refs })}</p>}
        {busy && <p class="muted" role="status">{say(T.erasing)}</p>}
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="danger" disabled={busy}>{say(T.eraseButton)}</button>
      </form>
      <Confirm ask={ask} onClose={() => { setAsk(null); }} />
    </section>
  );
}
