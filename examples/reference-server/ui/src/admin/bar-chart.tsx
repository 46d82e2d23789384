import { useI18n } from '../i18n.js';
import { scaleBars } from './chart-scale.js';

export interface Bar {
  label: string;
  value: number | null;
}

/**
 * A small inline-SVG bar chart (no chart library). Bars run in reading order, so in Arabic the
 * first day is on the right. `format` renders values for labels and the accessible table.
 */
export function BarChart({ title, bars, format }: { title: string; bars: Bar[]; format: (v: number) => string }) {
  const { lang, t } = useI18n();
  const width = 640;
  const height = 200;
  const pad = { top: 18, bottom: 28, side: 8 };
  const plotH = height - pad.top - pad.bottom;
  const scale = scaleBars(bars.map((b) => b.value), plotH);
  const slot = bars.length > 0 ? (width - pad.side * 2) / bars.length : 0;
  const barW = Math.max(4, slot * 0.6);
  const rtl = lang === 'ar';
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {scale.empty ? (
        <p class="muted" data-empty-chart>{t('kpi.noData')}</p>
      ) : (
        <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
          <line class="axis" x1={pad.side} x2={width - pad.side} y1={height - pad.bottom} y2={height - pad.bottom} />
          {bars.map((b, i) => {
            const x = rtl ? width - pad.side - slot * (i + 1) + (slot - barW) / 2 : pad.side + slot * i + (slot - barW) / 2;
            const h = scale.heights[i]!;
            const y = height - pad.bottom - h;
            return (
              <g key={b.label} data-bar={b.label}>
                {/* A zero or missing day draws no bar (and no "0" label sitting on the axis). */}
                {h > 0 && (
                  <>
                    <rect class="bar" x={x} y={y} width={barW} height={h}>
                      <title>{`${b.label}: ${format(b.value!)}`}</title>
                    </rect>
                    <text x={x + barW / 2} y={y - 4} text-anchor="middle">
                      {format(b.value!)}
                    </text>
                  </>
                )}
                <text x={x + barW / 2} y={height - 10} text-anchor="middle">
                  {b.label}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}
