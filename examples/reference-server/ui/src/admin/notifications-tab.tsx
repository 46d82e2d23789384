import { useEffect, useState } from 'preact/hooks';
import { get, post, query } from '../api.js';
import { ErrorText } from '../components/error-text.js';
import { useI18n } from '../i18n.js';
import { useLiveVersion } from '../live.js';
import type { MessageKey } from '../locales/en.js';

interface Notification {
  id: string;
  key: string;
  to: string;
  phone: string | null;
  status: string;
  attempts: number;
  error: { code: string; message: string } | null;
  skipReason: string | null;
  createdAt: string;
}

const STATUSES = ['pending', 'sending', 'retrying', 'sent', 'delivered', 'read', 'failed', 'skipped', 'uncertain'] as const;
const statusLabel = (s: string): MessageKey | null => ((STATUSES as readonly string[]).includes(s) ? (`notifStatus.${s}` as MessageKey) : null);

/** The notification log with filters; retry failed ones, settle uncertain ones. Live. */
export function NotificationsTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const [status, setStatus] = useState('');
  const [event, setEvent] = useState('');
  const [phone, setPhone] = useState('');
  const [items, setItems] = useState<Notification[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  /** Reloads after our own actions, on top of the live updates. */
  const [bump, setBump] = useState(0);
  const version = useLiveVersion((u) => !!u.data.notification) + bump;
  useEffect(() => {
    const timer = setTimeout(
      () =>
        get<{ items: Notification[] }>(`/notifications${query({ status, event, phone, limit: 100 })}`).then(
          (r) => {
            setItems(r.items);
            setError(null);
          },
          setError,
        ),
      150,
    );
    return () => clearTimeout(timer);
  }, [status, event, phone, version]);

  const act = (work: Promise<unknown>) =>
    work.then(
      () => setBump((v) => v + 1),
      (err: unknown) => setError(err),
    );

  return (
    <section class="card stack" aria-labelledby="notif-title">
      <h2 id="notif-title">{t('admin.notifications')}</h2>
      <div class="filters">
        <label>
          {t('notif.filterStatus')}
          <select name="status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`notifStatus.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('notif.filterKey')}
          <input name="event" value={event} onInput={(e) => setEvent(e.currentTarget.value)} />
        </label>
        <label>
          {t('notif.filterPhone')}
          <input name="phone" dir="ltr" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        </label>
      </div>
      <ErrorText error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t('notif.key')}</th>
            <th scope="col">{t('notif.to')}</th>
            <th scope="col">{t('notif.status')}</th>
            <th scope="col">{t('notif.attempts')}</th>
            <th scope="col">{t('notif.created')}</th>
            <th scope="col">{t('notif.error')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('notif.retry')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items?.map((n) => (
            <tr key={n.id} data-notification={n.id} data-status={n.status}>
              <td>
                <code>{n.key}</code>
              </td>
              <td>
                <bdi dir="ltr">{n.phone ?? n.to}</bdi>
              </td>
              <td>
                <span class={`pill ${n.status === 'failed' ? 'bad' : n.status === 'uncertain' || n.status === 'skipped' ? 'warn' : 'good'}`}>{statusLabel(n.status) ? t(statusLabel(n.status)!) : n.status}</span>
              </td>
              <td>{i18n.num(n.attempts)}</td>
              <td>{i18n.time(n.createdAt)}</td>
              <td class="small">{n.error?.message ?? n.skipReason ?? ''}</td>
              <td>
                {n.status === 'failed' && (
                  <button type="button" onClick={() => act(post(`/notifications/${n.id}/retry`))}>
                    {t('notif.retry')}
                  </button>
                )}
                {n.status === 'uncertain' && (
                  <span class="toolbar">
                    <button type="button" onClick={() => act(post(`/notifications/${n.id}/resolve`, { action: 'resend' }))}>
                      {t('notif.resolveResend')}
                    </button>
                    <button type="button" onClick={() => act(post(`/notifications/${n.id}/resolve`, { action: 'mark-sent' }))}>
                      {t('notif.resolveSent')}
                    </button>
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items?.length === 0 && <p class="muted">{t('common.none')}</p>}
    </section>
  );
}
