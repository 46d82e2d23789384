import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { ErrorText } from '../components/error-text.js';
import { useI18n } from '../i18n.js';

interface Campaign {
  id: string;
  name: string;
  status: string;
  recipients: number;
  scheduledAt: string;
}
interface Progress {
  total: number;
  counts: Record<string, number>;
  rates: { sent: number; delivered: number; read: number; failed: number };
}

/** Campaigns with their delivery progress. */
export function CampaignsTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const [rows, setRows] = useState<Array<{ campaign: Campaign; progress: Progress }> | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<{ items: Campaign[] }>('/campaigns?limit=50')
      .then((page) => Promise.all(page.items.map((c) => get<{ campaign: Campaign; progress: Progress }>(`/campaigns/${c.id}`))))
      .then(setRows, setError);
  }, []);
  const pct = (v: number) => i18n.num(v, { style: 'percent', maximumFractionDigits: 0 });
  return (
    <section class="card stack" aria-labelledby="campaigns-title">
      <h2 id="campaigns-title">{t('admin.campaigns')}</h2>
      <ErrorText error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t('campaign.name')}</th>
            <th scope="col">{t('campaign.status')}</th>
            <th scope="col">{t('campaign.progress')}</th>
          </tr>
        </thead>
        <tbody>
          {rows?.map(({ campaign, progress }) => (
            <tr key={campaign.id} data-campaign={campaign.id}>
              <td>
                <bdi>{campaign.name}</bdi>
              </td>
              <td>{campaign.status}</td>
              <td>
                <span class="meter" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress.rates.sent * 100)} aria-label={t('campaign.progress')}>
                  <span style={{ inlineSize: `${Math.round(progress.rates.sent * 100)}%` }} />
                </span>
                {t('tick.sent')} {pct(progress.rates.sent)} · {t('tick.delivered')} {pct(progress.rates.delivered)} · {t('tick.read')} {pct(progress.rates.read)} · {t('tick.failed')} {pct(progress.rates.failed)} ({i18n.num(progress.total)})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows?.length === 0 && <p class="muted">{t('common.none')}</p>}
    </section>
  );
}
