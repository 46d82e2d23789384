import type { BusinessCalendar } from './business-calendar.js';
import { compileCalendar, type Instant } from './business-time.js';

const SEARCH_DAYS = 3660;

/**
 * The first instant at or after `at` when the business is open: `at` itself while it is open,
 * the start of the next opening otherwise (DST-aware: openings are resolved in the calendar's zone
 * day by day). Null when the calendar never opens within ten years.
 */
export function nextOpening(calendar: BusinessCalendar, at: Instant): Date | null {
  const compiled = compileCalendar(calendar);
  const t = typeof at === 'number' ? at : at.getTime();
  const first = compiled.zone.dayOf(t);
  for (let day = first - 1; day <= first + SEARCH_DAYS; day++) {
    const openings = compiled.openingsOfDay(day);
    for (let i = 0; i < openings.length; i += 2) {
      if (openings[i + 1]! > t) return new Date(Math.max(openings[i]!, t));
    }
  }
  return null;
}

/** Whether the business is open at `at` (opening start inclusive, end exclusive; holidays closed). */
export function isOpen(calendar: BusinessCalendar, at: Instant): boolean {
  const t = typeof at === 'number' ? at : at.getTime();
  return nextOpening(calendar, t)?.getTime() === t;
}

/**
 * `hours.*` variables for replies about an opening: `nextOpening` ("Sunday 09:00"), `nextOpeningAr`
 * ("الأحد ٠٩:٠٠"), `nextOpeningDate` (local YYYY-MM-DD), `nextOpeningTime` (local HH:MM) and
 * `nextOpeningIso`, all in the calendar's time zone. Empty when it never opens.
 */
export function openingVariables(calendar: BusinessCalendar, opening: Date | null): Record<string, string> {
  if (!opening) return {};
  const parts = (locale: string, options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { timeZone: calendar.timeZone, hourCycle: 'h23', ...options }).format(opening);
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: calendar.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(opening);
  return {
    nextOpening: parts('en-GB', { weekday: 'long', hour: '2-digit', minute: '2-digit' }),
    nextOpeningAr: parts('ar-EG', { weekday: 'long', hour: '2-digit', minute: '2-digit' }),
    nextOpeningDate: date,
    nextOpeningTime: parts('en-GB', { hour: '2-digit', minute: '2-digit' }),
    nextOpeningIso: opening.toISOString(),
  };
}
