import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { get, post, session, whenUnauthorized } from './api.js';
import { applyLang, I18nContext, initialLang, makeI18n, type Lang } from './i18n.js';
import { LoginPage } from './login-page.js';
import { navigate, usePath } from './router.js';
import { ConsolePage } from './console/console-page.js';
import { AdminPage } from './admin/admin-page.js';
import { PhonePage } from './phone/phone-page.js';
import type { User } from './types.js';

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const i18n = useMemo(() => makeI18n(lang), [lang]);
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const path = usePath();

  // Before paint, so text in the new language never shows with the old direction.
  useLayoutEffect(() => applyLang(lang), [lang]);
  useEffect(() => {
    whenUnauthorized(() => {
      session.set(null);
      setUser(null);
    });
    if (!session.token) return setUser(null);
    get<{ user: User }>('/auth/me').then((r) => setUser(r.user), () => setUser(null));
  }, []);

  const home = user ? (user.role === 'agent' ? '/console' : '/admin') : '/login';
  useEffect(() => {
    if (user === undefined) return;
    if (!user && path !== '/login') navigate('/login', true);
    else if (user && (path === '/login' || path === '/')) navigate(home, true);
  }, [user, path, home]);

  const logout = async () => {
    await post('/auth/logout').catch(() => {});
    session.set(null);
    setUser(null);
  };

  const page = !user ? (
    <LoginPage onLogin={setUser} />
  ) : path === '/admin' && user.role !== 'agent' ? (
    <AdminPage user={user} />
  ) : path === '/phone' ? (
    <PhonePage />
  ) : user.agentId ? (
    <ConsolePage user={user} />
  ) : (
    <AdminPage user={user} />
  );

  return (
    <I18nContext.Provider value={i18n}>
      <header class="topbar">
        <span class="brand">{i18n.t('app.name')}</span>
        {user && (
          <nav aria-label={i18n.t('app.nav')}>
            {user.agentId && <NavLink href="/console" label={i18n.t('app.console')} path={path} />}
            {user.role !== 'agent' && <NavLink href="/admin" label={i18n.t('app.admin')} path={path} />}
            {user.role !== 'agent' && <NavLink href="/phone" label={i18n.t('app.phone')} path={path} />}
          </nav>
        )}
        <span class="spacer" />
        <label class="lang">
          <span class="visually-hidden">{i18n.t('app.language')}</span>
          <select value={lang} onChange={(e) => setLang((e.currentTarget.value as Lang) ?? 'en')} aria-label={i18n.t('app.language')}>
            <option value="en">English</option>
            <option value="ar">العربية</option>
          </select>
        </label>
        {user && (
          <>
            <span class="who">{user.name}</span>
            <button type="button" class="ghost" onClick={logout}>
              {i18n.t('app.logout')}
            </button>
          </>
        )}
      </header>
      <main id="main">{user === undefined ? <p class="muted pad">{i18n.t('common.loading')}</p> : page}</main>
    </I18nContext.Provider>
  );
}

function NavLink({ href, label, path }: { href: string; label: string; path: string }) {
  return (
    <a
      href={href}
      aria-current={path === href ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(href);
      }}
    >
      {label}
    </a>
  );
}
