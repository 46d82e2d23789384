import { describe, expect, it } from 'vitest';
import { addBusinessMs, businessMsBetween, canonicalTimeZone, openIntervals, parseBusinessCalendar, ValidationError, zoneOffsets } from '../src/index.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const d = (iso: string): Date => new Date(iso);
const weekdays = (start: string, end: string) => Object.fromEntries([1, 2, 3, 4, 5].map((w) => [w, [{ start, end }]]));
const everyDay = (start: string, end: string) => Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((w) => [w, [{ start, end }]]));

function validationIssues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ValidationError');
}

describe('business calendar validation', () => {
  it('normalizes the zone name, sorts openings and dedupes holidays', () => {
    const calendar = parseBusinessCalendar({
      timeZone: 'africa/cairo',
      weekly: { 0: [{ start: '14:00', end: '18:00' }, { start: '09:00', end: '13:00' }], 4: [{ start: '09:00', end: '24:00' }] },
      holidays: ['2026-04-25', '2026-01-07', '2026-04-25'],
    });
    expect(calendar).toEqual({
      timeZone: 'Africa/Cairo',
      weekly: { 0: [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '18:00' }], 4: [{ start: '09:00', end: '24:00' }] },
      holidays: ['2026-01-07', '2026-04-25'],
    });
  });

  it('rejects an unknown time zone', () => {
    expect(validationIssues(() => parseBusinessCalendar({ timeZone: 'Mars/Olympus_Mons', weekly: {} }))).toEqual([
      'timeZone: not an IANA time zone known to this runtime (e.g. Africa/Cairo)',
    ]);
    expect(canonicalTimeZone('+02:00')).toBeNull();
  });

  it('rejects inverted, malformed and overlapping openings, bad weekdays and bad holidays', () => {
    const issues = validationIssues(() =>
      parseBusinessCalendar({
        timeZone: 'UTC',
        weekly: {
          1: [{ start: '17:00', end: '09:00' }],
          2: [{ start: '09:00', end: '13:00' }, { start: '12:30', end: '18:00' }],
          3: [{ start: '25:00', end: '26:00' }],
          4: [{ start: '24:00', end: '24:00' }],
          7: [{ start: '09:00', end: '10:00' }],
        },
        holidays: ['2026-02-30', '25/12/2026'],
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        'weekly.1.0: start must be before end (split openings that cross midnight into two days)',
        'weekly.2.1: overlaps another opening on the same day',
        'weekly.3.0.start: start is a time like 09:00',
        'weekly.3.0.end: end is a time like 17:30 (or 24:00)',
        'weekly.4.0.start: start is a time like 09:00',
        'holidays.0: holidays are real dates like 2026-04-25',
        'holidays.1: holidays are real dates like 2026-04-25',
      ]),
    );
    expect(issues.some((i) => i.startsWith('weekly.7') || i.startsWith('weekly:'))).toBe(true);
  });

  it('accepts touching openings (one ends when the next starts)', () => {
    const calendar = parseBusinessCalendar({ timeZone: 'UTC', weekly: { 1: [{ start: '09:00', end: '12:00' }, { start: '12:00', end: '17:00' }] } });
    expect(businessMsBetween(calendar, d('2026-03-02T00:00:00Z'), d('2026-03-03T00:00:00Z'))).toBe(8 * HOUR);
  });
});

describe('business milliseconds', () => {
  const office = parseBusinessCalendar({ timeZone: 'UTC', weekly: weekdays('09:00', '17:00'), holidays: ['2026-03-04'] });

  it('counts only open time, across nights, weekends and holidays', () => {
    // Monday 2026-03-02 16:00 → Tuesday 10:00: 1 h Monday + 1 h Tuesday.
    expect(businessMsBetween(office, d('2026-03-02T16:00:00Z'), d('2026-03-03T10:00:00Z'))).toBe(2 * HOUR);
    // Tuesday 16:30 → Thursday 09:15, Wednesday a holiday: 30 min + 15 min.
    expect(businessMsBetween(office, d('2026-03-03T16:30:00Z'), d('2026-03-05T09:15:00Z'))).toBe(45 * MIN);
    // Friday 16:00 → Monday 09:30: 1 h + 30 min.
    expect(businessMsBetween(office, d('2026-03-06T16:00:00Z'), d('2026-03-09T09:30:00Z'))).toBe(90 * MIN);
    // Entirely outside hours, or inverted: 0.
    expect(businessMsBetween(office, d('2026-03-02T18:00:00Z'), d('2026-03-02T23:00:00Z'))).toBe(0);
    expect(businessMsBetween(office, d('2026-03-03T10:00:00Z'), d('2026-03-02T10:00:00Z'))).toBe(0);
  });

  it('treats the closing minute as closed (end exclusive) and the opening minute as open', () => {
    expect(businessMsBetween(office, d('2026-03-02T17:00:00Z'), d('2026-03-03T09:00:00Z'))).toBe(0);
    expect(businessMsBetween(office, d('2026-03-02T16:59:00Z'), d('2026-03-03T09:01:00Z'))).toBe(2 * MIN);
  });

  it('adds business time: the instant a target is reached', () => {
    expect(addBusinessMs(office, d('2026-03-06T16:30:00Z'), HOUR)).toEqual(d('2026-03-09T09:30:00Z'));
    expect(addBusinessMs(office, d('2026-03-02T20:00:00Z'), 30 * MIN)).toEqual(d('2026-03-03T09:30:00Z'));
    expect(addBusinessMs(office, d('2026-03-02T10:00:00Z'), 0)).toEqual(d('2026-03-02T10:00:00Z'));
    // Reaching the target exactly at closing time returns closing time.
    expect(addBusinessMs(office, d('2026-03-02T16:00:00Z'), HOUR)).toEqual(d('2026-03-02T17:00:00Z'));
    const never = parseBusinessCalendar({ timeZone: 'UTC', weekly: {} });
    expect(addBusinessMs(never, d('2026-03-02T10:00:00Z'), 1)).toBeNull();
  });

  it('lists the openings overlapping a range', () => {
    expect(openIntervals(office, d('2026-03-02T12:00:00Z'), d('2026-03-05T10:00:00Z'))).toEqual([
      { start: d('2026-03-02T12:00:00Z'), end: d('2026-03-02T17:00:00Z') },
      { start: d('2026-03-03T09:00:00Z'), end: d('2026-03-03T17:00:00Z') },
      { start: d('2026-03-05T09:00:00Z'), end: d('2026-03-05T10:00:00Z') },
    ]);
  });

  it('reads openings in the calendar zone, not UTC', () => {
    const cairo = parseBusinessCalendar({ timeZone: 'Africa/Cairo', weekly: everyDay('09:00', '17:00') });
    // Winter: Cairo is UTC+2, so 09:00–17:00 local is 07:00–15:00 UTC.
    expect(businessMsBetween(cairo, d('2026-03-02T06:00:00Z'), d('2026-03-02T08:00:00Z'))).toBe(HOUR);
    expect(businessMsBetween(cairo, d('2026-03-02T14:30:00Z'), d('2026-03-02T16:00:00Z'))).toBe(30 * MIN);
  });
});

describe('DST', () => {
  it('Africa/Cairo: the clocks skip 00:00–01:00 on Friday 2026-04-24 (a 23-hour day)', () => {
    const zone = zoneOffsets('Africa/Cairo');
    const apr24 = Date.UTC(2026, 3, 24) / 86_400_000;
    // Local midnight does not exist: the day starts when the clock jumps, 22:00 UTC (01:00 local).
    expect(new Date(zone.dayStart(apr24)).toISOString()).toBe('2026-04-23T22:00:00.000Z');
    expect(new Date(zone.dayStart(apr24 + 1)).toISOString()).toBe('2026-04-24T21:00:00.000Z');
    expect(zone.offsetAt(Date.parse('2026-04-23T21:59:59Z'))).toBe(2 * HOUR);
    expect(zone.offsetAt(Date.parse('2026-04-23T22:00:00Z'))).toBe(3 * HOUR);

    const allDay = parseBusinessCalendar({ timeZone: 'Africa/Cairo', weekly: everyDay('00:00', '24:00') });
    expect(businessMsBetween(allDay, d('2026-04-23T22:00:00Z'), d('2026-04-24T21:00:00Z'))).toBe(23 * HOUR);
    // An opening spanning the jump is an hour shorter; one after it is unchanged.
    const night = parseBusinessCalendar({ timeZone: 'Africa/Cairo', weekly: { 5: [{ start: '00:00', end: '09:00' }, { start: '10:00', end: '18:00' }] } });
    expect(openIntervals(night, d('2026-04-23T00:00:00Z'), d('2026-04-25T00:00:00Z'))).toEqual([
      { start: d('2026-04-23T22:00:00Z'), end: d('2026-04-24T06:00:00Z') },
      { start: d('2026-04-24T07:00:00Z'), end: d('2026-04-24T15:00:00Z') },
    ]);
    expect(businessMsBetween(night, d('2026-04-23T00:00:00Z'), d('2026-04-25T00:00:00Z'))).toBe(16 * HOUR);
    // The Friday before (2026-04-17, UTC+2) the same openings give 9 h + 8 h.
    expect(businessMsBetween(night, d('2026-04-16T00:00:00Z'), d('2026-04-18T00:00:00Z'))).toBe(17 * HOUR);
  });

  it('Africa/Cairo: 23:00–24:00 happens twice on Thursday 2026-10-29 (a 25-hour day)', () => {
    const zone = zoneOffsets('Africa/Cairo');
    // 23:30 local happens at 20:30 UTC (UTC+3) and again at 21:30 UTC (UTC+2): the first is used.
    expect(new Date(zone.toInstant(Date.UTC(2026, 9, 29, 23, 30))).toISOString()).toBe('2026-10-29T20:30:00.000Z');
    const allDay = parseBusinessCalendar({ timeZone: 'Africa/Cairo', weekly: everyDay('00:00', '24:00') });
    expect(businessMsBetween(allDay, d('2026-10-28T21:00:00Z'), d('2026-10-29T22:00:00Z'))).toBe(25 * HOUR);
    const evening = parseBusinessCalendar({ timeZone: 'Africa/Cairo', weekly: { 4: [{ start: '20:00', end: '24:00' }] } });
    expect(businessMsBetween(evening, d('2026-10-29T00:00:00Z'), d('2026-10-30T00:00:00Z'))).toBe(5 * HOUR);
  });

  it('America/Sao_Paulo: midnight skipped on 2018-11-04, an hour repeated on 2019-02-16, no DST in 2026', () => {
    const zone = zoneOffsets('America/Sao_Paulo');
    const nov4 = Date.UTC(2018, 10, 4) / 86_400_000;
    expect(new Date(zone.dayStart(nov4)).toISOString()).toBe('2018-11-04T03:00:00.000Z');
    const early = parseBusinessCalendar({ timeZone: 'America/Sao_Paulo', weekly: { 0: [{ start: '00:00', end: '02:00' }] } });
    expect(openIntervals(early, d('2018-11-03T00:00:00Z'), d('2018-11-05T00:00:00Z'))).toEqual([{ start: d('2018-11-04T03:00:00Z'), end: d('2018-11-04T04:00:00Z') }]);
    const lateSaturday = parseBusinessCalendar({ timeZone: 'America/Sao_Paulo', weekly: { 6: [{ start: '22:00', end: '24:00' }] } });
    expect(businessMsBetween(lateSaturday, d('2019-02-16T00:00:00Z'), d('2019-02-18T00:00:00Z'))).toBe(3 * HOUR);
    expect(businessMsBetween(lateSaturday, d('2026-02-28T00:00:00Z'), d('2026-03-02T00:00:00Z'))).toBe(2 * HOUR);
    const office = parseBusinessCalendar({ timeZone: 'America/Sao_Paulo', weekly: weekdays('09:00', '18:00') });
    // 2026-03-02 is a Monday; São Paulo is UTC-3 all year now.
    expect(openIntervals(office, d('2026-03-02T00:00:00Z'), d('2026-03-03T00:00:00Z'))).toEqual([{ start: d('2026-03-02T12:00:00Z'), end: d('2026-03-02T21:00:00Z') }]);
  });
});
