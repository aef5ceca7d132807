import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { errorText } from '../errors.js';
import { say, when } from '../i18n.js';
import { Confirm, type Confirmation } from './Confirm.js';
import { OPEN311_TEXTS as T } from './open311-texts.js';
import './open311.css';

interface KeyRow { id: string; label: string; createdBy: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null; revokedBy: string | null }

/** Admin only: the API keys of the city apps that send reports over Open311; a new key is shown once. */
export function Open311Keys() {
  const [keys, setKeys] = useState<KeyRow[] | null>(null);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [ask, setAsk] = useState<Confirmation | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const load = () => { void api<{ keys: KeyRow[] }>('GET', '/api/admin/open311-keys').then((r) => { setKeys(r.keys); }, (e: unknown) => { setMessage({ ok: false, text: errorText(e) }); }); };
  useEffect(load, []);

  const issue = async (form: HTMLFormElement) => {
    if (busy) return; // a double click creates one key
    const label = (form.elements.namedItem('label') as HTMLInputElement).value.trim();
    setBusy(true);
    try {
      const created = await api<{ secret: string; label: string }>('POST', '/api/admin/open311-keys', { label });
      setSecret({ label: created.label, value: created.secret });
      setCopied(false);
      setMessage(null);
      form.reset();
      load();
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  const revoke = (key: KeyRow) => {
    setAsk({
      text: say(T.revokeAsk, { label: key.label }),
      confirm: say(T.revoke),
      danger: true,
      run: () => {
        void api('DELETE', `/api/admin/open311-keys/${key.id}`).then(() => { setMessage({ ok: true, text: say(T.revoked, { label: key.label }) }); load(); }, (e: unknown) => { setMessage({ ok: false, text: errorText(e) }); });
      },
    });
  };
  const copy = () => { if (secret) void navigator.clipboard.writeText(secret.value).then(() => { setCopied(true); }, () => undefined); };

  return (
    <section class="open311">
      <h1>{say(T.title)}</h1>
      <p class="muted">{say(T.intro, { url: `${location.origin}/open311/discovery.json` })}</p>
      {message && <p class={message.ok ? 'success' : 'error'} role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
      {secret && (
        <div class="card secret" role="status">
          <p>{say(T.issued, { label: secret.label })}</p>
          <p><code class="key" data-testid="open311-secret">{secret.value}</code></p>
          <div class="buttons">
            <button type="button" class="secondary" onClick={copy}>{say(copied ? T.copied : T.copy)}</button>
            <button type="button" onClick={() => { setSecret(null); }}>{say(T.done)}</button>
          </div>
        </div>
      )}
      <form class="card narrow" onSubmit={(e) => { e.preventDefault(); void issue(e.currentTarget); }}>
        <label>{say(T.label)}<input name="label" required maxLength={120} placeholder={say(T.labelHint)} autocomplete="off" /></label>
        <button type="submit" disabled={busy}>{say(T.issue)}</button>
      </form>
      {keys?.length === 0 && <p class="muted">{say(T.none)}</p>}
      {keys && keys.length > 0 && (
        <table class="tickets operators">
          <thead><tr><th>{say(T.label)}</th><th>{say(T.createdBy)}</th><th>{say(T.createdAt)}</th><th>{say(T.lastUsed)}</th><th>{say(T.state)}</th><th /></tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} class={k.revokedAt ? 'disabled' : ''}>
                <td>{k.label}</td>
                <td><span class="cell-label">{say(T.createdBy)}: </span>{k.createdBy}</td>
                <td><span class="cell-label">{say(T.createdAt)}: </span>{when(k.createdAt)}</td>
                <td><span class="cell-label">{say(T.lastUsed)}: </span>{k.lastUsedAt ? when(k.lastUsedAt) : say(T.never)}</td>
                <td>{k.revokedAt ? say(T.revokedOn, { date: when(k.revokedAt) }) : say(T.active)}</td>
                <td class="row-actions">{k.revokedAt ? null : <button type="button" class="secondary" aria-label={`${say(T.revoke)} ${k.label}`} onClick={() => { revoke(k); }}>{say(T.revoke)}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Confirm ask={ask} onClose={() => { setAsk(null); }} />
    </section>
  );
}
