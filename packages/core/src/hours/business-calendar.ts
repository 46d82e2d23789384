import { z } from 'zod';
import { parseInput } from '../domain/content-schema.js';
import { canonicalTimeZone, dayOfIsoDate } from './time-zone.js';

/** 0 = Sunday … 6 = Saturday (as `Date.prototype.getDay`). */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/**
 * One opening on a day, in local wall-clock time: `start` inclusive, `end` exclusive, both
 * `HH:MM` (24-hour). `end` may be `24:00` (until midnight). Intervals never cross midnight:
 * split a night shift into two days.
 */
export interface OpeningInterval {
  start: string;
  end: string;
}

/** Openings per weekday; a missing or empty weekday is closed all day. */
export type WeeklyHours = Partial<Record<Weekday, OpeningInterval[]>>;

/**
 * When a business is open: an IANA time zone, openings per weekday, and holidays (local dates,
 * closed all day). Validated and normalized by {@link parseBusinessCalendar}.
 *
 * @example
 * { timeZone: 'Africa/Cairo', weekly: { 0: [{ start: '09:00', end: '17:00' }], 4: [...] }, holidays: ['2026-04-25'] }
 */
export interface BusinessCalendar {
  timeZone: string;
  weekly: WeeklyHours;
  holidays: string[];
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const END_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
export const WEEKDAYS: readonly Weekday[] = [0, 1, 2, 3, 4, 5, 6];

/** Minutes since midnight of an `HH:MM` reading. */
export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

const intervalSchema = z
  .object({
    start: z.string().regex(TIME, 'start is a time like 09:00'),
    end: z.string().regex(END_TIME, 'end is a time like 17:30 (or 24:00)'),
  })
  .strict()
  .refine((i) => !TIME.test(i.start) || !END_TIME.test(i.end) || minutesOf(i.start) < minutesOf(i.end), {
    message: 'start must be before end (split openings that cross midnight into two days)',
  });

const weekdayKey = z.enum(['0', '1', '2', '3', '4', '5', '6'], { message: 'weekdays are 0 (Sunday) to 6 (Saturday)' });

export const businessCalendarSchema = z
  .object({
    timeZone: z
      .string()
      .refine((tz) => canonicalTimeZone(tz) !== null, { message: 'not an IANA time zone known to this runtime (e.g. Africa/Cairo)' })
      .transform((tz) => canonicalTimeZone(tz)!),
    weekly: z.partialRecord(weekdayKey, z.array(intervalSchema).max(48)),
    holidays: z
      .array(z.string().refine((d) => dayOfIsoDate(d) !== null, { message: 'holidays are real dates like 2026-04-25' }))
      .max(5000)
      .default([]),
  })
  .strict()
  .superRefine((calendar, ctx) => {
    for (const [day, intervals] of Object.entries(calendar.weekly)) {
      const sorted = (intervals ?? []).map((interval, index) => ({ index, start: minutesOf(interval.start), end: minutesOf(interval.end) }));
      sorted.sort((a, b) => a.start - b.start);
      for (let i = 1; i < sorted.length; i++) {
        if (sorted[i]!.start < sorted[i - 1]!.end) {
          ctx.addIssue({ code: 'custom', path: ['weekly', day, sorted[i]!.index], message: 'overlaps another opening on the same day' });
        }
      }
    }
  })
  .transform(
    (calendar): BusinessCalendar => ({
      timeZone: calendar.timeZone,
      weekly: Object.fromEntries(
        Object.entries(calendar.weekly)
          .map(([day, intervals]) => [Number(day), [...(intervals ?? [])].sort((a, b) => minutesOf(a.start) - minutesOf(b.start))] as const)
          .sort((a, b) => a[0] - b[0]),
      ) as WeeklyHours,
      holidays: [...new Set(calendar.holidays)].sort(),
    }),
  );

/**
 * Validate and normalize a calendar: canonical zone name, openings sorted per day, holidays
 * sorted and deduplicated.
 * @throws ValidationError for an unknown time zone, a bad or inverted time, overlapping
 *   openings on one day, or a holiday that is not a `YYYY-MM-DD` date.
 */
export function parseBusinessCalendar(input: unknown, what = 'business calendar'): BusinessCalendar {
  return parseInput(businessCalendarSchema, input, what);
}
