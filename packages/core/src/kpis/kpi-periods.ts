import { isoDateOfDay, monthOfDay, type ZoneOffsets } from '../hours/time-zone.js';
import type { KpiPeriod } from './kpi-options.js';

export interface PeriodSpan {
  label: string;
  start: number;
  end: number;
}

/**
 * The periods of `[from, to)` in a zone: local days, local months, or the range itself; the
 * first and last are clipped to the range. Maps an instant to its period in O(1) after the
 * zone offset lookup.
 */
export class KpiPeriods {
  readonly spans: PeriodSpan[] = [];
  readonly #firstDay: number;
  /** Day offset (from the first day) → period index. */
  readonly #byDay: number[] = [];

  constructor(from: number, to: number, zone: ZoneOffsets, period: KpiPeriod) {
    this.#firstDay = zone.dayOf(from);
    const lastDay = zone.dayOf(to - 1);
    if (period === 'range') {
      this.spans.push({ label: 'range', start: from, end: to });
      for (let day = this.#firstDay; day <= lastDay; day++) this.#byDay.push(0);
      return;
    }
    let monthEnd = -Infinity;
    for (let day = this.#firstDay; day <= lastDay; day++) {
      const start = Math.max(from, zone.dayStart(day));
      const end = Math.min(to, zone.dayStart(day + 1));
      if (period === 'day') {
        this.spans.push({ label: isoDateOfDay(day), start, end });
      } else if (day >= monthEnd) {
        const month = monthOfDay(day);
        monthEnd = month.next;
        this.spans.push({ label: month.label, start, end });
      } else {
        this.spans[this.spans.length - 1]!.end = end;
      }
      this.#byDay.push(this.spans.length - 1);
    }
  }

  /** The period index of a local day number (must lie inside the range). */
  indexOfDay(day: number): number {
    return this.#byDay[day - this.#firstDay]!;
  }
}
