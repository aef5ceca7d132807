import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useBusy } from '../busy.js';
import { errorText } from '../errors.js';
import { say } from '../i18n.js';
import { useActionKeys } from '../keys.js';
import { personPath, type PrivacyPerson } from './dpo-api.js';
import { DPO_TEXTS as T } from './dpo-texts.js';

const FIELDS = ['name', 'phone', 'email', 'address'] as const;

/**
 * "Perbaiki identitas": the stored values prefilled; only what the DPO changed is sent, with the reason. The server
 * updates the person and every ticket they reported (each ticket's history says so) and answers how many.
 */
export function DpoCorrect({ person, onDone }: { person: PrivacyPerson; onDone: (changed: Readonly<Record<string, string>>) => void }) {
  const { busy, once } = useBusy();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const keys = useActionKeys();
  const submit = async (form: HTMLFormElement) => {
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    const changed = Object.fromEntries(FIELDS.filter((f) => value(f) !== '' && value(f) !== (person[f] ?? '')).map((f) => [f, value(f)]));
    if (Object.keys(changed).length === 0) { setMessage({ ok: false, text: say(T.nothingChanged) }); return; }
    const note = value('note');
    if (!note) { setMessage({ ok: false, text: say(T.reasonRequired) }); return; }
    await once(async () => {
      try {
        const { tickets } = await keys.run('correct', (key) => api<{ tickets: number }>('POST', `${personPath(person.key)}/correct`, { ...changed, note }, { idempotencyKey: key }));
        setMessage({ ok: true, text: say(T.corrected, { n: tickets }) });
        (form.elements.namedItem('note') as HTMLInputElement).value = '';
        onDone(changed);
      } catch (e) {
        setMessage({ ok: false, text: errorText(e) });
      }
    });
  };
  return (
    <section class="card dpo-action" aria-labelledby="dpo-correct-title">
      <h2 id="dpo-correct-title">{say(T.correct)}</h2>
      <p class="muted">{say(T.correctHint)}</p>
      {/* Keyed by the stored values: after a correction the fields show what is stored now (the server's spelling). */}
      <form key={FIELDS.map((f) => person[f] ?? '').join('\n')} noValidate onSubmit={(e) => { e.preventDefault(); void submit(e.currentTarget); }}>
        <label>{say(T.name)}<input name="name" maxLength={120} defaultValue={person.name ?? ''} autocomplete="off" /></label>
        <label>{say(T.phone)}<input name="phone" type="tel" maxLength={40} defaultValue={person.phone ?? ''} autocomplete="off" /></label>
        <label>{say(T.email)}<input name="email" type="email" maxLength={200} defaultValue={person.email ?? ''} autocomplete="off" /></label>
        <label>{say(T.address)}<input name="address" maxLength={300} defaultValue={person.address ?? ''} autocomplete="off" /></label>
        <label>{say(T.reason)}<input name="note" maxLength={500} aria-required="true" placeholder={say(T.reasonHint)} autocomplete="off" /></label>
        {message && <p class={message.ok ? 'success' : 'error'} role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
        <button type="submit" disabled={busy}>{say(T.save)}</button>
      </form>
    </section>
  );
}
