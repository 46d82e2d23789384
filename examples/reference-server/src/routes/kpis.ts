import type { AppDeps } from '../http/app-env.js';
import { route, router, send, z } from '../http/openapi-route.js';
import { looseObject } from '../http/schemas.js';
import { kpiCsv, kpiXlsx } from '../export/kpi-table.js';
import { RangeQuery } from './agents.js';

const RollupQuery = RangeQuery.extend({
  by: z.enum(['all', 'agent', 'branch', 'channel']).default('all').openapi({ param: { in: 'query' } }),
  period: z.enum(['range', 'day', 'month']).default('day').openapi({ param: { in: 'query' } }),
});

/** Dashboard, rollups and their CSV/XLSX export: admin and manager (agents read their own via /agents/{id}/kpis). */
export function kpiRoutes(deps: AppDeps) {
  const app = router();
  const { sb } = deps;
  const staff: Array<'admin' | 'manager'> = ['admin', 'manager'];

  app.openapi(
    route({
      method: 'get',
      path: '/kpis/dashboard',
      tag: 'kpis',
      summary: 'Totals, days and months, by agent, branch and channel',
      roles: staff,
      request: { query: RangeQuery },
      response: looseObject('DashboardKpiReport', 'KpiMetrics for the range (docs/kpis.md), per day/month and per agent/branch/channel.'),
    }),
    async (c) => send(c, await sb.kpis.dashboard(c.req.valid('query'))),
  );

  app.openapi(
    route({
      method: 'get',
      path: '/kpis/rollup',
      tag: 'kpis',
      summary: 'KPI rows by dimension and period (the chart data)',
      roles: staff,
      request: { query: RollupQuery },
      response: z.object({ items: z.array(looseObject('KpiRollupRow', '{ key, period, start, end, metrics }')) }).openapi('KpiRollup'),
    }),
    async (c) => send(c, { items: await sb.kpis.rollup(c.req.valid('query')) }),
  );

  app.openapi(
    route({
      method: 'get',
      path: '/kpis/export',
      tag: 'kpis',
      summary: 'The rollup as a CSV or XLSX download',
      roles: staff,
      request: { query: RollupQuery.extend({ format: z.enum(['csv', 'xlsx']).default('csv').openapi({ param: { in: 'query' } }) }) },
      response: null,
      produces: {
        'text/csv': { schema: z.string() },
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().openapi({ format: 'binary' }) },
      },
    }),
    async (c) => {
      const { format, ...query } = c.req.valid('query');
      const rows = await sb.kpis.rollup(query);
      const name = `kpis-${query.by}-${query.period}-${query.from.slice(0, 10)}_${query.to.slice(0, 10)}.${format}`;
      c.header('content-disposition', `attachment; filename="${name}"`);
      if (format === 'csv') return c.body(kpiCsv(rows), 200, { 'content-type': 'text/csv; charset=utf-8' }) as never;
      return c.body(new Uint8Array(await kpiXlsx(rows)), 200, { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }) as never;
    },
  );

  return app;
}
