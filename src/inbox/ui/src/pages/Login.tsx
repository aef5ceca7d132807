import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { errorText } from '../errors.js';
import { switchLang, t } from '../i18n.js';

export function Login({ onLogin }: { onLogin: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      await api('POST', '/api/auth/login', { username, password });
      onLogin();
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <form class="login" onSubmit={(e) => void submit(e)}>
      <h1>{t('appTitle')}</h1>
      <label>{t('username')}<input name="username" autocomplete="username" value={username} onInput={(e) => { setUsername(e.currentTarget.value); }} required /></label>
      <label>{t('password')}<input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => { setPassword(e.currentTarget.value); }} required /></label>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit">{t('login')}</button>
      <button type="button" class="link" onClick={switchLang}>{t('otherLang')}</button>
    </form>
  );
}
