import type { KpiRollupRow } from '@switchboard/core';
import { stringify } from 'csv-stringify/sync';
import writeXlsxFile from 'write-excel-file/node';

type Cell = string | number | null;

const seconds = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 100) / 10);

/** One flat row per rollup cell: the columns a spreadsheet user expects (durations in seconds). */
const COLUMNS: Array<[header: string, value: (row: KpiRollupRow) => Cell]> = [
  ['key', (r) => r.key ?? ''],
  ['period', (r) => r.period],
  ['start', (r) => r.start.toISOString()],
  ['end', (r) => r.end.toISOString()],
  ['messages received', (r) => r.metrics.messages.received],
  ['messages sent', (r) => r.metrics.messages.sent],
  ['tickets opened', (r) => r.metrics.tickets.opened],
  ['tickets closed', (r) => r.metrics.tickets.closed],
  ['tickets handled', (r) => r.metrics.tickets.handled],
  ['transfers in', (r) => r.metrics.tickets.transferredIn],
  ['first response avg (s)', (r) => seconds(r.metrics.firstResponse.avgMs)],
  ['first response p90 (s)', (r) => seconds(r.metrics.firstResponse.p90Ms)],
  ['reply avg (s)', (r) => seconds(r.metrics.reply.avgMs)],
  ['resolution avg (s)', (r) => seconds(r.metrics.resolution.avgMs)],
  ['SLA first response breached', (r) => r.metrics.sla.firstResponse.breached],
  ['SLA resolution breached', (r) => r.metrics.sla.resolution.breached],
  ['CSAT answers', (r) => r.metrics.csat.answers],
  ['CSAT average', (r) => r.metrics.csat.average],
  ['utilization', (r) => r.metrics.agentTime.utilization],
];

export const KPI_EXPORT_HEADERS = COLUMNS.map(([h]) => h);

export function kpiTable(rows: KpiRollupRow[]): Cell[][] {
  return rows.map((row) => COLUMNS.map(([, value]) => value(row)));
}

/** RFC 4180 CSV with a header row. */
export function kpiCsv(rows: KpiRollupRow[]): string {
  return stringify([KPI_EXPORT_HEADERS, ...kpiTable(rows)]);
}

/** An .xlsx workbook with one sheet, header in bold. */
export async function kpiXlsx(rows: KpiRollupRow[]): Promise<Buffer> {
  const header = KPI_EXPORT_HEADERS.map((value) => ({ value, fontWeight: 'bold' as const }));
  const body = kpiTable(rows).map((cells) => cells.map((value) => (value === null ? null : { value })));
  return writeXlsxFile([header, ...body], { sheet: 'KPIs' }).toBuffer();
}
