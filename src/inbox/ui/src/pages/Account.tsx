import { useState } from 'preact/hooks';
import { api, type Me } from '../api.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';

/** Every operator changes their own password here; their other sessions end. */
export function Account({ me }: { me: Me }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (form: HTMLFormElement) => {
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    if (data.password !== data.repeat) {
      setMessage({ ok: false, text: t('passwordsDiffer') });
      return;
    }
    try {
      await api('POST', '/api/auth/password', { current: data.current, password: data.password });
      form.reset();
      setMessage({ ok: true, text: t('passwordChanged') });
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
    }
  };
  return (
    <form class="card narrow" onSubmit={(e) => { e.preventDefault(); void submit(e.currentTarget); }}>
      <h1>{t('account')}</h1>
      <p class="muted">{me.operator.name} · {me.operator.username}</p>
      <label>{t('currentPassword')}<input name="current" type="password" autocomplete="current-password" required /></label>
      <label>{t('newPassword')}<input name="password" type="password" autocomplete="new-password" minLength={10} required /></label>
      <label>{t('repeatPassword')}<input name="repeat" type="password" autocomplete="new-password" minLength={10} required /></label>
      <p class="muted">{t('passwordRule')}</p>
      {message && <p class={message.ok ? 'success' : 'error'} role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
      <button type="submit">{t('changePassword')}</button>
    </form>
  );
}
