import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, query } from '../api.js';
import { ErrorText } from '../components/error-text.js';
import { useI18n, type I18n } from '../i18n.js';
import type { MessageKey } from '../locales/en.js';
import type { Agent } from '../types.js';
import { BarChart } from './bar-chart.js';
import { download } from './download.js';

interface Duration {
  count: number;
  avgMs: number | null;
}
interface Metrics {
  tickets: { opened: number; closed: number };
  firstResponse: Duration;
  reply: Duration;
  resolution: Duration;
  sla: Record<'firstResponse' | 'nextResponse' | 'resolution', { met: number; breached: number }>;
  csat: { answers: number; average: number | null };
}
interface Row {
  key: string | null;
  period: string;
  start: string;
  metrics: Metrics;
}

type MetricId = 'firstResponse' | 'reply' | 'resolution' | 'slaBreaches' | 'csat';
const METRICS: Array<{ id: MetricId; label: MessageKey; kind: 'ms' | 'count' | 'score' }> = [
  { id: 'firstResponse', label: 'kpi.firstResponse', kind: 'ms' },
  { id: 'reply', label: 'kpi.reply', kind: 'ms' },
  { id: 'resolution', label: 'kpi.resolution', kind: 'ms' },
  { id: 'slaBreaches', label: 'kpi.slaBreaches', kind: 'count' },
  { id: 'csat', label: 'kpi.csat', kind: 'score' },
];

function valueOf(m: Metrics, id: MetricId): number | null {
  if (id === 'slaBreaches') return m.sla.firstResponse.breached + m.sla.nextResponse.breached + m.sla.resolution.breached;
  if (id === 'csat') return m.csat.average;
  return m[id].avgMs;
}

function formatter(i18n: I18n, kind: 'ms' | 'count' | 'score'): (v: number) => string {
  if (kind === 'ms') return (v) => i18n.duration(v);
  if (kind === 'score') return (v) => i18n.num(v, { maximumFractionDigits: 1 });
  return (v) => i18n.num(v);
}

const DAY = 86_400_000;

/** KPI charts per day and a per-agent table over the last 7 days, with CSV/XLSX export. */
export function KpiPanel({ agents }: { agents: Agent[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [metric, setMetric] = useState<MetricId>('firstResponse');
  const [days, setDays] = useState<Row[]>([]);
  const [perAgent, setPerAgent] = useState<Row[]>([]);
  const [error, setError] = useState<unknown>(null);
  const range = useMemo(() => {
    const end = new Date(Math.ceil(Date.now() / DAY) * DAY);
    return { from: new Date(end.getTime() - 7 * DAY).toISOString(), to: end.toISOString() };
  }, []);

  useEffect(() => {
    get<{ items: Row[] }>(`/kpis/rollup${query({ ...range, by: 'all', period: 'day' })}`).then((r) => setDays(r.items), setError);
    get<{ items: Row[] }>(`/kpis/rollup${query({ ...range, by: 'agent', period: 'range' })}`).then((r) => setPerAgent(r.items), setError);
  }, [range]);

  const spec = METRICS.find((m) => m.id === metric)!;
  const format = formatter(i18n, spec.kind);
  const names = new Map(agents.map((a) => [a.id, a.name]));
  const exportAs = (format: 'csv' | 'xlsx') => download(`/kpis/export${query({ ...range, by: 'agent', period: 'day', format })}`, `kpis.${format}`).catch(setError);

  return (
    <section class="card stack" aria-labelledby="kpi-title">
      <div class="toolbar">
        <h2 id="kpi-title">
          {t('admin.kpis')} <span class="muted small">· {t('admin.range', { days: 7 })}</span>
        </h2>
        <span class="spacer" />
        <label>
          <span class="visually-hidden">{t('admin.kpis')}</span>
          <select value={metric} aria-label={t('admin.kpis')} onChange={(e) => setMetric(e.currentTarget.value as MetricId)}>
            {METRICS.map((m) => (
              <option key={m.id} value={m.id}>
                {t(m.label)}
              </option>
            ))}
          </select>
        </label>
        <span>{t('admin.export')}:</span>
        <button type="button" onClick={() => void exportAs('csv')}>
          {t('admin.exportCsv')}
        </button>
        <button type="button" onClick={() => void exportAs('xlsx')}>
          {t('admin.exportXlsx')}
        </button>
      </div>
      <ErrorText error={error} />
      <BarChart title={t('kpi.chart', { metric: t(spec.label) })} bars={days.map((r) => ({ label: i18n.date(r.start), value: valueOf(r.metrics, metric) }))} format={format} />
      <h3>{t('kpi.perAgent')}</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('admin.agent')}</th>
            <th scope="col">{t('kpi.tickets')}</th>
            {METRICS.map((m) => (
              <th key={m.id} scope="col">
                {t(m.label)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {perAgent.map((r) => (
            <tr key={r.key ?? '-'} data-agent={r.key}>
              <td>
                <bdi>{r.key ? (names.get(r.key) ?? r.key) : t('kpi.unassigned')}</bdi>
              </td>
              <td>{i18n.num(r.metrics.tickets.closed)}</td>
              {METRICS.map((m) => {
                const v = valueOf(r.metrics, m.id);
                return <td key={m.id}>{v === null ? '—' : formatter(i18n, m.kind)(v)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
