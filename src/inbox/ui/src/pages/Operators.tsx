import { useEffect, useState } from 'preact/hooks';
import { api, type Me, type Meta, type Role } from '../api.js';
import { errorText } from '../errors.js';
import { t, when } from '../i18n.js';

interface OperatorRow { username: string; name: string; role: Role; agency: string | null; disabled: boolean; lockedUntil: string | null }

const ROLES = ['agency', 'supervisor', 'admin', 'dpo'] as const;

/** Admin only: who may use the inbox, in which role, and for which agency. */
export function Operators({ me, meta }: { me: Me; meta: Meta }) {
  const [operators, setOperators] = useState<OperatorRow[]>([]);
  const [role, setRole] = useState<string>('agency');
  const [resetting, setResetting] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const load = () => { void api<{ operators: OperatorRow[] }>('GET', '/api/operators').then((r) => { setOperators(r.operators); }); };
  useEffect(load, []);

  const run = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      setMessage({ ok: true, text: done });
      load();
      return true;
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
      return false;
    }
  };
  const add = async (form: HTMLFormElement) => {
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const body = { username: data.username?.trim().toLowerCase(), name: data.name?.trim(), role: data.role, password: data.password, ...(data.role === 'agency' ? { agency: data.agency } : {}) };
    if (await run(() => api('POST', '/api/operators', body), `${t('operatorAdded')}: ${body.username ?? ''}`)) form.reset();
  };
  const reset = async (form: HTMLFormElement, username: string) => {
    const { value: password } = form.elements.namedItem('password') as HTMLInputElement;
    if (await run(() => api('POST', `/api/operators/${encodeURIComponent(username)}/password`, { password }), `${t('passwordSet')}: ${username}`)) setResetting(null);
  };
  const locked = (o: OperatorRow) => o.lockedUntil !== null && new Date(o.lockedUntil) > new Date();

  return (
    <section>
      <h1>{t('operators')}</h1>
      {message && <p class={message.ok ? 'success' : 'error'} role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
      <table class="tickets operators">
        <thead><tr><th>{t('username')}</th><th>{t('name')}</th><th>{t('role')}</th><th>OPD</th><th>{t('state')}</th><th /></tr></thead>
        <tbody>
          {operators.map((o) => (
            <tr key={o.username} class={o.disabled ? 'disabled' : ''}>
              <td>{o.username}</td>
              <td>{o.name}</td>
              <td>{t(`role_${o.role}`)}</td>
              <td>{o.agency ?? '—'}</td>
              <td>{o.disabled ? t('inactive') : locked(o) ? `${t('lockedUntil')} ${when(o.lockedUntil ?? '')}` : t('active')}</td>
              <td class="row-actions">
                {o.username === me.operator.username ? null : o.disabled
                  ? <button type="button" onClick={() => void run(() => api('POST', `/api/operators/${encodeURIComponent(o.username)}/enable`, {}), `${t('enabled')}: ${o.username}`)}>{t('enable')}</button>
                  : <button type="button" class="secondary" onClick={() => void run(() => api('POST', `/api/operators/${encodeURIComponent(o.username)}/disable`, {}), `${t('disabled')}: ${o.username}`)}>{t('disable')}</button>}
                {resetting === o.username
                  ? (
                    <form class="inline" onSubmit={(e) => { e.preventDefault(); void reset(e.currentTarget, o.username); }}>
                      <input name="password" type="password" autocomplete="new-password" minLength={10} required aria-label={`${t('newPassword')} ${o.username}`} />
                      <button type="submit">{t('save')}</button>
                    </form>
                  )
                  : <button type="button" class="secondary" onClick={() => { setResetting(o.username); }}>{t('resetPassword')}</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <form class="card narrow" onSubmit={(e) => { e.preventDefault(); void add(e.currentTarget); }}>
        <h2>{t('addOperator')}</h2>
        <label>{t('username')}<input name="username" required pattern="[a-z0-9][a-z0-9._\-]{1,63}" autocomplete="off" /></label>
        <label>{t('name')}<input name="name" required maxLength={120} /></label>
        <label>{t('role')}<select name="role" value={role} onChange={(e) => { setRole(e.currentTarget.value); }}>{ROLES.map((r) => <option value={r}>{t(`role_${r}`)}</option>)}</select></label>
        {role === 'agency' && <label>OPD<select name="agency">{meta.agencies.map((a) => <option value={a.code}>{a.code} — {a.name}</option>)}</select></label>}
        <label>{t('password')}<input name="password" type="password" autocomplete="new-password" minLength={10} required /></label>
        <p class="muted">{t('newOperatorPasswordRule')}</p>
        <button type="submit">{t('addOperator')}</button>
      </form>
    </section>
  );
}
