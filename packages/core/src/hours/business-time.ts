import { minutesOf, type BusinessCalendar, type Weekday } from './business-calendar.js';
import { dayOfIsoDate, DAY_MS, MINUTE_MS, weekdayOfDay, zoneOffsets, type ZoneOffsets } from './time-zone.js';

/** How far `addBusinessMs` looks ahead before concluding a calendar never opens long enough. */
const MAX_SEARCH_DAYS = 3660;

/** An instant: a `Date` or epoch milliseconds. */
export type Instant = Date | number;
const ms = (value: Instant): number => (typeof value === 'number' ? value : value.getTime());

/**
 * A calendar prepared for fast arithmetic: each local day's openings resolved to instants once
 * (DST-aware) and cached. Reuse one for many calls; `compileCalendar` caches per calendar object.
 */
export class CompiledCalendar {
  readonly calendar: BusinessCalendar;
  readonly zone: ZoneOffsets;
  readonly #holidays: Set<number>;
  /** Per weekday: opening [startMinute, endMinute] pairs, flattened. */
  readonly #weekly: number[][];
  readonly #days = new Map<number, readonly number[]>();

  constructor(calendar: BusinessCalendar) {
    this.calendar = calendar;
    this.zone = zoneOffsets(calendar.timeZone);
    this.#holidays = new Set(calendar.holidays.map((d) => dayOfIsoDate(d)).filter((d): d is number => d !== null));
    this.#weekly = [0, 1, 2, 3, 4, 5, 6].map((weekday) =>
      (calendar.weekly[weekday as Weekday] ?? []).flatMap((interval) => [minutesOf(interval.start), minutesOf(interval.end)]),
    );
  }

  /** The openings of a local day as instants, flattened `[start0, end0, start1, end1, …]`, `end` exclusive. */
  openingsOfDay(day: number): readonly number[] {
    let openings = this.#days.get(day);
    if (openings === undefined) {
      const result: number[] = [];
      if (!this.#holidays.has(day)) {
        const minutes = this.#weekly[weekdayOfDay(day)]!;
        for (let i = 0; i < minutes.length; i += 2) {
          const start = this.zone.toInstant(day * DAY_MS + minutes[i]! * MINUTE_MS);
          const end = this.zone.toInstant(day * DAY_MS + minutes[i + 1]! * MINUTE_MS);
          // An opening entirely inside skipped clock time (DST gap) has no duration.
          if (end > start) result.push(start, end);
        }
      }
      openings = result;
      this.#days.set(day, openings);
    }
    return openings;
  }

  /** Open milliseconds in `[from, to)`; 0 when `to <= from`. */
  businessMs(from: number, to: number): number {
    if (!(to > from)) return 0;
    let total = 0;
    const last = this.zone.dayOf(to);
    for (let day = this.zone.dayOf(from); day <= last; day++) {
      const openings = this.openingsOfDay(day);
      for (let i = 0; i < openings.length; i += 2) {
        const start = Math.max(openings[i]!, from);
        const end = Math.min(openings[i + 1]!, to);
        if (end > start) total += end - start;
      }
    }
    return total;
  }

  /**
   * The earliest instant at which `amount` open milliseconds have passed since `from`
   * (`from` itself for 0), or null when the calendar does not open that long within ten years.
   */
  addBusinessMs(from: number, amount: number): number | null {
    if (!(amount > 0)) return from;
    let remaining = amount;
    const first = this.zone.dayOf(from);
    for (let day = first; day <= first + MAX_SEARCH_DAYS; day++) {
      const openings = this.openingsOfDay(day);
      for (let i = 0; i < openings.length; i += 2) {
        const start = Math.max(openings[i]!, from);
        const end = openings[i + 1]!;
        if (end <= start) continue;
        if (end - start >= remaining) return start + remaining;
        remaining -= end - start;
      }
    }
    return null;
  }

  /** Openings overlapping `[from, to)`, clipped to it, in time order. */
  *openIntervals(from: number, to: number): Generator<[number, number]> {
    if (!(to > from)) return;
    const last = this.zone.dayOf(to);
    for (let day = this.zone.dayOf(from); day <= last; day++) {
      const openings = this.openingsOfDay(day);
      for (let i = 0; i < openings.length; i += 2) {
        const start = Math.max(openings[i]!, from);
        const end = Math.min(openings[i + 1]!, to);
        if (end > start) yield [start, end];
      }
    }
  }
}

const compiled = new WeakMap<BusinessCalendar, CompiledCalendar>();

/**
 * The compiled form of a calendar (cached per calendar object: do not mutate a calendar after
 * using it). Pass a calendar from {@link parseBusinessCalendar}.
 */
export function compileCalendar(calendar: BusinessCalendar): CompiledCalendar {
  let result = compiled.get(calendar);
  if (!result) {
    result = new CompiledCalendar(calendar);
    compiled.set(calendar, result);
  }
  return result;
}

/**
 * Milliseconds the business is open between two instants (`from` inclusive, `to` exclusive):
 * openings in the calendar's zone, holidays closed, DST handled (a day the clocks skip an hour
 * has one hour less of any opening spanning the jump). 0 when `to` is not after `from`.
 */
export function businessMsBetween(calendar: BusinessCalendar, from: Instant, to: Instant): number {
  return compileCalendar(calendar).businessMs(ms(from), ms(to));
}

/**
 * The instant `amount` open milliseconds after `from` (e.g. an SLA due time in business hours),
 * or null when the calendar never accumulates that much open time within ten years.
 */
export function addBusinessMs(calendar: BusinessCalendar, from: Instant, amount: number): Date | null {
  const result = compileCalendar(calendar).addBusinessMs(ms(from), amount);
  return result === null ? null : new Date(result);
}

/** The openings overlapping `[from, to)`, clipped to it, as `{ start, end }` instants in order. */
export function openIntervals(calendar: BusinessCalendar, from: Instant, to: Instant): Array<{ start: Date; end: Date }> {
  return [...compileCalendar(calendar).openIntervals(ms(from), ms(to))].map(([start, end]) => ({ start: new Date(start), end: new Date(end) }));
}
