import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { ErrorText } from '../components/error-text.js';
import { useI18n } from '../i18n.js';
import { useLiveVersion } from '../live.js';
import type { Agent, InboxTicket, User } from '../types.js';
import { KpiPanel } from './kpi-panel.js';

/** Who is online and how loaded, and who waits in the queue; live. */
export function OverviewTab(_: { user: User }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [queue, setQueue] = useState<InboxTicket[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const version = useLiveVersion((u) => !!(u.data.agent || u.data.ticket));
  useEffect(() => {
    get<{ items: Agent[] }>('/agents').then((r) => setAgents(r.items), setError);
    get<{ items: InboxTicket[] }>('/tickets?status=queued&limit=200').then((r) => setQueue(r.items), setError);
  }, [version]);

  return (
    <>
      <ErrorText error={error} />
      <div class="grid">
        <section class="card" aria-labelledby="agents-title">
          <h2 id="agents-title">{t('admin.agents')}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.agent')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">{t('admin.load')}</th>
              </tr>
            </thead>
            <tbody>
              {agents?.map((a) => {
                const open = a.openTickets ?? 0;
                const pct = a.capacity > 0 ? Math.min(100, Math.round((open / a.capacity) * 100)) : 100;
                return (
                  <tr key={a.id} data-agent={a.id}>
                    <td>
                      <bdi>{a.name}</bdi> {a.branch && <span class="muted small">· {a.branch}</span>}
                    </td>
                    <td>
                      <span class={`pill ${a.status === 'online' ? 'good' : ''}`}>{a.status === 'online' ? t('console.online') : t('console.offline')}</span>
                    </td>
                    <td>
                      <span class={`meter ${open >= a.capacity ? 'full' : ''}`} role="meter" aria-valuemin={0} aria-valuemax={a.capacity} aria-valuenow={open} aria-label={t('admin.load')}>
                        <span style={{ inlineSize: `${pct}%` }} />
                      </span>
                      {t('transfer.load', { open, capacity: a.capacity })}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
        <section class="card" aria-labelledby="queue-title">
          <h2 id="queue-title">
            {t('admin.queue')} <span class="muted">({i18n.num(queue?.length ?? 0)})</span>
          </h2>
          {queue && queue.length === 0 && <p class="muted">{t('admin.queueEmpty')}</p>}
          <ul class="history">
            {queue?.map((x) => (
              <li key={x.id}>
                <bdi>{x.customer?.name ?? x.customer?.phone}</bdi> · {x.branch ?? '—'} · {t('console.waiting', { duration: i18n.duration(Date.now() - Date.parse(x.queuedAt ?? x.openedAt)) })}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <KpiPanel agents={agents ?? []} />
    </>
  );
}
