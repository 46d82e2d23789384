import { z } from 'zod';
import type { CoreContext } from '../context.js';
import { parseInput } from '../domain/content-schema.js';
import { NotFoundError } from '../errors.js';
import type { KpiFactsQuery } from './kpi-facts.js';
import type { KpiMetrics, KpiRollupRow } from './kpi-metrics.js';
import {
  parseKpiRange,
  parseKpiRollupQuery,
  resolveKpiOptions,
  type KpiDimension,
  type KpiOptions,
  type KpiPeriod,
  type KpiRange,
  type KpiRollupQuery,
  type ResolvedKpiOptions,
} from './kpi-options.js';
import { replayKpis, type KpiIncidents, type KpiReplay } from './kpi-replay.js';
import { aggregateKpis, normalizeKpiRows } from './kpi-rollup.js';

/** Metrics of one period (clipped to the range). */
export interface KpiPeriodMetrics {
  /** `YYYY-MM-DD` or `YYYY-MM` in the report's time zone. */
  period: string;
  start: Date;
  end: Date;
  metrics: KpiMetrics;
}

export interface KeyedKpiMetrics {
  /** Agent id, branch or channel id; null for work no agent / branch is credited with. */
  key: string | null;
  metrics: KpiMetrics;
}

/** A report: the whole range, each local day and each local month. */
export interface KpiReport {
  from: Date;
  to: Date;
  timeZone: string;
  /** Durations are counted in business hours only. */
  businessHours: boolean;
  total: KpiMetrics;
  days: KpiPeriodMetrics[];
  months: KpiPeriodMetrics[];
}

export interface AgentKpiReport extends KpiReport {
  agentId: string;
}

export interface TeamKpiReport extends KpiReport {
  branch: string;
  /** Range totals of each agent currently in the branch who has data. */
  agents: KeyedKpiMetrics[];
}

export interface DashboardKpiReport extends KpiReport {
  byAgent: KeyedKpiMetrics[];
  byBranch: KeyedKpiMetrics[];
  byChannel: KeyedKpiMetrics[];
}

/** A rollup request: range, grouping, period and options. */
export type KpiRollupInput = KpiRange & KpiOptions & { by?: KpiDimension; period?: KpiPeriod; key?: string | null };

/** Which incidents to list. */
export type KpiIncidentFilter = KpiOptions & { agentId?: string; branch?: string; channelId?: string };

type Rollup = (by: KpiDimension, period: KpiPeriod, key?: string | null) => Promise<KpiRollupRow[]>;

const label = z.string().trim().min(1).max(128);

/**
 * `sb.kpis`: response times, replies, resolutions, delays, SLA, CSAT and agent time, per agent,
 * team (branch), channel and the whole desk, by day and month in a chosen time zone.
 * Definitions: docs/kpis.md. Uses the store's own `computeKpiRollup` when it has one;
 * otherwise reads the log slice (`listKpiFacts`) and runs the pure calculators.
 */
export class KpiService {
  readonly #ctx: CoreContext;
  readonly #defaults: ResolvedKpiOptions;

  constructor(ctx: CoreContext, defaults: ResolvedKpiOptions) {
    this.#ctx = ctx;
    this.#defaults = defaults;
  }

  /**
   * One agent's numbers. Work is credited to the agent who did it (the replier, the holder at
   * close or at a breach).
   * @throws ValidationError (inverted range, unknown time zone, bad options), NotFoundError (`agent_not_found`)
   */
  async agent(agentId: string, range: KpiRange, options?: KpiOptions): Promise<AgentKpiReport> {
    const query = this.#query(range, options);
    parseInput(label, agentId, 'agent id');
    if (!(await this.#ctx.store.getAgent(agentId))) throw new NotFoundError('agent', agentId);
    const rollup = this.#rollups(query, { agentId });
    return { ...(await this.#report(query, rollup, 'agent', agentId)), agentId };
  }

  /**
   * A branch's numbers: work of its agents, plus work on its tickets no agent is credited with.
   * @throws ValidationError (bad branch, inverted range, unknown time zone, bad options)
   */
  async team(branch: string, range: KpiRange, options?: KpiOptions): Promise<TeamKpiReport> {
    const query = this.#query(range, options);
    const name = parseInput(label, branch, 'branch');
    const rollup = this.#rollups(query, { branch: name });
    const report = await this.#report(query, rollup, 'branch', name);
    const members = new Set((await this.#ctx.store.listAgents({ branch: name })).map((a) => a.id));
    const agents = (await rollup('agent', 'range')).filter((row) => row.key !== null && members.has(row.key)).map(keyed);
    return { ...report, branch: name, agents };
  }

  /** The whole desk, with range totals per agent, branch and channel. @throws ValidationError */
  async dashboard(range: KpiRange, options?: KpiOptions): Promise<DashboardKpiReport> {
    const query = this.#query(range, options);
    const rollup = this.#rollups(query, {});
    const report = await this.#report(query, rollup, 'all', null);
    const [byAgent, byBranch, byChannel] = await Promise.all([rollup('agent', 'range'), rollup('branch', 'range'), rollup('channel', 'range')]);
    return { ...report, byAgent: byAgent.map(keyed), byBranch: byBranch.map(keyed), byChannel: byChannel.map(keyed) };
  }

  /** Any grouping (`all`, `agent`, `branch`, `channel`) by `range`, `day` or `month`. @throws ValidationError */
  async rollup(input: KpiRollupInput): Promise<KpiRollupRow[]> {
    const query = parseKpiRollupQuery(input, this.#defaults);
    return this.#rollups(query, {})(query.by, query.period, query.key);
  }

  /**
   * The delay events and SLA breaches of a range (always computed from the log), optionally
   * for one agent, branch or channel. @throws ValidationError
   */
  async incidents(range: KpiRange, filter: KpiIncidentFilter = {}): Promise<KpiIncidents> {
    const { agentId, branch, channelId, ...options } = filter;
    const query = this.#query(range, options);
    const hint = parseInput(z.object({ agentId: label.optional(), branch: label.optional(), channelId: label.optional() }), { agentId, branch, channelId }, 'incident filter');
    const facts = await this.#ctx.store.listKpiFacts({ from: query.from, to: query.to, ...hint });
    const { incidents } = replayKpis(facts, query);
    const keep = (i: { agentId: string | null; branch: string | null; channelId: string }): boolean =>
      (hint.agentId === undefined || i.agentId === hint.agentId) && (hint.branch === undefined || i.branch === hint.branch) && (hint.channelId === undefined || i.channelId === hint.channelId);
    return { delays: incidents.delays.filter(keep), slaBreaches: incidents.slaBreaches.filter(keep) };
  }

  #query(range: KpiRange, options: KpiOptions | undefined): { from: Date; to: Date } & ResolvedKpiOptions {
    return { ...parseKpiRange(range), ...resolveKpiOptions(this.#defaults, options) };
  }

  /** Rollups of one range: the store's engine, or one facts read and one replay shared by all. */
  #rollups(query: { from: Date; to: Date } & ResolvedKpiOptions, hint: Omit<KpiFactsQuery, 'from' | 'to'>): Rollup {
    const store = this.#ctx.store;
    if (typeof store.computeKpiRollup === 'function') {
      const compute = store.computeKpiRollup.bind(store);
      return async (by, period, key) => {
        const full: KpiRollupQuery = { ...query, by, period, ...(key !== undefined ? { key } : {}) };
        return normalizeKpiRows(await compute(full), full);
      };
    }
    let replay: Promise<KpiReplay> | undefined;
    return async (by, period, key) => {
      replay ??= store.listKpiFacts({ from: query.from, to: query.to, ...hint }).then((facts) => replayKpis(facts, query));
      return aggregateKpis(await replay, { ...query, by, period, ...(key !== undefined ? { key } : {}) });
    };
  }

  async #report(query: { from: Date; to: Date } & ResolvedKpiOptions, rollup: Rollup, by: KpiDimension, key: string | null): Promise<KpiReport> {
    const [total, days, months] = await Promise.all([rollup(by, 'range', key), rollup(by, 'day', key), rollup(by, 'month', key)]);
    const periods = (rows: KpiRollupRow[]): KpiPeriodMetrics[] => rows.map(({ period, start, end, metrics }) => ({ period, start, end, metrics }));
    return {
      from: query.from,
      to: query.to,
      timeZone: query.timeZone,
      businessHours: query.businessHours !== null,
      // With a key (or `all`), rollups always hold that key's row for every period.
      total: total[0]!.metrics,
      days: periods(days),
      months: periods(months),
    };
  }
}

const keyed = (row: KpiRollupRow): KeyedKpiMetrics => ({ key: row.key, metrics: row.metrics });
