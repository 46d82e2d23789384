import { z } from 'zod';
import { parseInput } from '../domain/content-schema.js';
import { ValidationError } from '../errors.js';
import { businessCalendarSchema, type BusinessCalendar } from '../hours/business-calendar.js';
import { canonicalTimeZone } from '../hours/time-zone.js';

/** Targets for service levels; a missing target is not checked. */
export interface SlaPolicy {
  /** For reports. */
  name?: string | null;
  /** Customer's first wait in a cycle → first human reply. */
  firstResponseMs?: number | null;
  /** Every later wait → the human reply that ends it. */
  nextResponseMs?: number | null;
  /** Cycle start (opening or reopening) → close. */
  resolutionMs?: number | null;
  /** Count the targets in this calendar's open time only. */
  businessHours?: BusinessCalendar | null;
}

/** How to compute KPIs. */
export interface KpiOptions {
  /** IANA zone that days and months are cut in (default `UTC`). */
  timeZone?: string;
  /** Measure durations (response, reply, resolution, delays) in this calendar's open time only. */
  businessHours?: BusinessCalendar | null;
  /** A wait longer than this is a delay event (default 15 minutes; in open time with `businessHours`). */
  delayThresholdMs?: number;
  sla?: SlaPolicy | null;
}

/** A time range: `from` inclusive, `to` exclusive. Dates, or ISO-8601 date-times with `Z` or an offset (`2026-04-01T00:00:00+02:00`). */
export interface KpiRange {
  from: Date | string;
  to: Date | string;
}

export type KpiDimension = 'all' | 'agent' | 'branch' | 'channel';
export type KpiPeriod = 'range' | 'day' | 'month';

/** An SLA policy after validation (missing targets are null). */
export interface ResolvedSla {
  name: string | null;
  firstResponseMs: number | null;
  nextResponseMs: number | null;
  resolutionMs: number | null;
  businessHours: BusinessCalendar | null;
}

/** Options after validation: what the calculators and `Store.computeKpiRollup` receive. */
export interface ResolvedKpiOptions {
  timeZone: string;
  businessHours: BusinessCalendar | null;
  delayThresholdMs: number;
  sla: ResolvedSla | null;
}

/**
 * One rollup: metrics of `[from, to)` grouped by a dimension and cut into periods.
 * `key` (when present) keeps only that agent / branch / channel (null: the unattributed group).
 */
export interface KpiRollupQuery extends ResolvedKpiOptions {
  from: Date;
  to: Date;
  by: KpiDimension;
  period: KpiPeriod;
  key?: string | null;
}

export const DEFAULT_DELAY_THRESHOLD_MS = 15 * 60_000;
const MAX_DURATION_MS = 366 * 24 * 3_600_000;

const duration = z.number().int('durations are whole milliseconds').positive().max(MAX_DURATION_MS);
const instant = z.union([z.date(), z.iso.datetime({ offset: true })]).transform((v) => new Date(v));

const validDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());
const rangeSchema = z
  .object({ from: instant.refine(validDate, 'not a valid date'), to: instant.refine(validDate, 'not a valid date') })
  .refine((r) => !validDate(r.from) || !validDate(r.to) || r.from.getTime() < r.to.getTime(), {
    message: 'from must be before to (the range is inverted or empty)',
    path: ['to'],
  });

const slaSchema = z
  .object({
    name: z.string().trim().min(1).max(200).nullable().optional(),
    firstResponseMs: duration.nullable().optional(),
    nextResponseMs: duration.nullable().optional(),
    resolutionMs: duration.nullable().optional(),
    businessHours: businessCalendarSchema.nullable().optional(),
  })
  .strict();

const optionsSchema = z
  .object({
    timeZone: z
      .string()
      .refine((tz) => canonicalTimeZone(tz) !== null, { message: 'not an IANA time zone known to this runtime (e.g. Africa/Cairo)' })
      .transform((tz) => canonicalTimeZone(tz)!)
      .optional(),
    businessHours: businessCalendarSchema.nullable().optional(),
    delayThresholdMs: duration.optional(),
    sla: slaSchema.nullable().optional(),
  })
  .strict();

/** @throws ValidationError for an invalid or inverted range. */
export function parseKpiRange(range: unknown): { from: Date; to: Date } {
  if (!range || typeof range !== 'object') throw new ValidationError('A KPI range is an object { from, to }.', [{ path: 'range', message: 'required' }]);
  return parseInput(rangeSchema, range, 'KPI range');
}

/**
 * Validate options over defaults (later sources win).
 * @throws ValidationError for an unknown time zone, a bad calendar, non-positive durations.
 */
export function resolveKpiOptions(...sources: Array<KpiOptions | undefined>): ResolvedKpiOptions {
  const merged: Record<string, unknown> = {};
  for (const source of sources) {
    if (source === undefined) continue;
    if (source === null || typeof source !== 'object') throw new ValidationError('KPI options must be an object.', [{ path: 'options', message: 'not an object' }]);
    for (const [key, value] of Object.entries(source)) if (value !== undefined) merged[key] = value;
  }
  const parsed = parseInput(optionsSchema, merged, 'KPI options');
  const sla = parsed.sla
    ? {
        name: parsed.sla.name ?? null,
        firstResponseMs: parsed.sla.firstResponseMs ?? null,
        nextResponseMs: parsed.sla.nextResponseMs ?? null,
        resolutionMs: parsed.sla.resolutionMs ?? null,
        businessHours: parsed.sla.businessHours ?? null,
      }
    : null;
  return {
    timeZone: parsed.timeZone ?? 'UTC',
    businessHours: parsed.businessHours ?? null,
    delayThresholdMs: parsed.delayThresholdMs ?? DEFAULT_DELAY_THRESHOLD_MS,
    sla,
  };
}

const dimensionSchema = z.enum(['all', 'agent', 'branch', 'channel']);
const periodSchema = z.enum(['range', 'day', 'month']);

/** Validate a full rollup query (range, dimension, period, key and options). @throws ValidationError */
export function parseKpiRollupQuery(
  input: { from: unknown; to: unknown; by?: unknown; period?: unknown; key?: unknown } & KpiOptions,
  defaults?: KpiOptions,
): KpiRollupQuery {
  const { from, to, by, period, key, ...options } = input;
  const range = parseKpiRange({ from, to });
  const grouping = parseInput(
    z.object({ by: dimensionSchema.default('all'), period: periodSchema.default('range'), key: z.string().min(1).max(256).nullable().optional() }).strict(),
    { by, period, ...(key !== undefined ? { key } : {}) },
    'KPI rollup query',
  );
  return { ...range, ...grouping, ...resolveKpiOptions(defaults, options) };
}
