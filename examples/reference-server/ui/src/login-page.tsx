import { useState } from 'preact/hooks';
import { ApiError, post, session } from './api.js';
import { useI18n } from './i18n.js';
import type { User } from './types.js';

export function LoginPage({ onLogin }: { onLogin: (user: User) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await post<{ token: string; user: User }>('/auth/login', { username, password });
      session.set(res.token);
      onLogin(res.user);
    } catch (err) {
      setError(err instanceof ApiError && (err.status === 429 || err.code.includes('locked')) ? t('login.locked') : t('login.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card login" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      <label>
        {t('login.username')}
        <input name="username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
      </label>
      <label>
        {t('login.password')}
        <input name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {t('login.submit')}
      </button>
    </form>
  );
}
