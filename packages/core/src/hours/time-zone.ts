/**
 * Wall-clock arithmetic in an IANA time zone on top of `Intl.DateTimeFormat` (no tz database of
 * our own: the runtime's ICU data is the source, so zones follow Node's updates).
 *
 * "Local milliseconds" are a wall-clock reading encoded as if it were UTC
 * (`Date.UTC(y, m, d, h, min)`); "day numbers" count local calendar days since 1970-01-01.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The runtime's canonical spelling of an IANA zone (`africa/cairo` → `Africa/Cairo`), or null if unknown. */
export function canonicalTimeZone(timeZone: unknown): string | null {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Weekday of a day number: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** `YYYY-MM-DD` of a day number. */
export function isoDateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Day number of a `YYYY-MM-DD` date, or null when it is not a real calendar date. */
export function dayOfIsoDate(date: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(y, m - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

/** First day number of the month containing `day`, and of the month after it. */
export function monthOfDay(day: number): { first: number; next: number; label: string } {
  const date = new Date(day * DAY_MS);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  return { first: Date.UTC(y, m, 1) / DAY_MS, next: Date.UTC(y, m + 1, 1) / DAY_MS, label: `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}` };
}

/**
 * Offsets and local days of one zone. Offsets are read from `Intl` once per UTC hour and cached
 * when they are the same at both ends of the hour (zones change offset at most once an hour);
 * hours containing a transition are computed exactly each time.
 */
export class ZoneOffsets {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;
  /** UTC hour index → offset for the whole hour, or NaN when it changes inside the hour. */
  readonly #byHour = new Map<number, number>();

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  }

  /** Local time minus UTC at `instant`, in milliseconds (Cairo summer: +3 h). */
  offsetAt(instant: number): number {
    const hour = Math.floor(instant / HOUR_MS);
    let cached = this.#byHour.get(hour);
    if (cached === undefined) {
      const start = this.#exactOffset(hour * HOUR_MS);
      cached = start === this.#exactOffset(hour * HOUR_MS + HOUR_MS - 1) ? start : Number.NaN;
      this.#byHour.set(hour, cached);
    }
    return Number.isNaN(cached) ? this.#exactOffset(instant) : cached;
  }

  /** The local calendar day (day number) an instant falls on. */
  dayOf(instant: number): number {
    return Math.floor((instant + this.offsetAt(instant)) / DAY_MS);
  }

  /** The instant local midnight starts `day` (the first instant of the day when midnight is skipped). */
  dayStart(day: number): number {
    return this.toInstant(day * DAY_MS);
  }

  /**
   * The instant a wall-clock reading happens. A reading that occurs twice (clocks set back)
   * maps to its first occurrence; a reading the clocks skip (set forward) maps to the moment
   * they jump, so an opening at a skipped time starts when the clock next shows a real time.
   */
  toInstant(local: number): number {
    const before = this.offsetAt(local - DAY_MS);
    const after = this.offsetAt(local + DAY_MS);
    const early = local - Math.max(before, after);
    const late = local - Math.min(before, after);
    const earlyValid = early + this.offsetAt(early) === local;
    if (earlyValid) return early;
    if (late + this.offsetAt(late) === local) return late;
    // Skipped reading: binary-search the transition between the two candidates (1 ms precision).
    let lo = early;
    let hi = late;
    const loOffset = this.offsetAt(lo);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAt(mid) === loOffset) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  #exactOffset(instant: number): number {
    const whole = Math.floor(instant / 1000) * 1000;
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const part of this.#format.formatToParts(whole)) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value);
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          second = Number(part.value);
          break;
        case 'era':
          bc = part.value === 'BC' || part.value === 'B';
          break;
        default:
          break;
      }
    }
    const wall = new Date(0);
    wall.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
    wall.setUTCHours(hour, minute, second, 0);
    return wall.getTime() - whole;
  }
}

const zones = new Map<string, ZoneOffsets>();

/** Shared, cached offsets for a canonical zone name (see {@link canonicalTimeZone}). */
export function zoneOffsets(timeZone: string): ZoneOffsets {
  let zone = zones.get(timeZone);
  if (!zone) {
    zone = new ZoneOffsets(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}
