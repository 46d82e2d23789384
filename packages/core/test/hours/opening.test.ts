import { describe, expect, it } from 'vitest';
import { isOpen, nextOpening, openingVariables, parseBusinessCalendar } from '../../src/index.js';

// Egypt works Sunday to Thursday; the cairo desk opens 09:00–13:00 and 14:00–17:00 (lunch break).
const cairo = parseBusinessCalendar({
  timeZone: 'Africa/Cairo',
  weekly: { 0: [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '17:00' }], 1: [{ start: '09:00', end: '17:00' }], 2: [{ start: '09:00', end: '17:00' }], 3: [{ start: '09:00', end: '17:00' }], 4: [{ start: '09:00', end: '17:00' }] },
  holidays: ['2026-01-07'],
});
const saoPaulo = parseBusinessCalendar({ timeZone: 'America/Sao_Paulo', weekly: { 1: [{ start: '09:00', end: '18:00' }], 2: [{ start: '09:00', end: '18:00' }], 3: [{ start: '09:00', end: '18:00' }], 4: [{ start: '09:00', end: '18:00' }], 5: [{ start: '09:00', end: '18:00' }] } });

describe('isOpen / nextOpening', () => {
  it('knows Cairo is closed on a Thursday night and opens Sunday 09:00', () => {
    const thursdayNight = new Date('2026-01-08T21:30:00Z'); // 23:30 Cairo (UTC+2)
    expect(isOpen(cairo, thursdayNight)).toBe(false);
    expect(nextOpening(cairo, thursdayNight)?.toISOString()).toBe('2026-01-11T07:00:00.000Z');
  });

  it('treats the opening start as open and the end as closed, and sees the lunch break', () => {
    expect(isOpen(cairo, new Date('2026-01-11T07:00:00Z'))).toBe(true); // Sunday 09:00
    expect(isOpen(cairo, new Date('2026-01-11T10:59:59Z'))).toBe(true); // 12:59:59
    expect(isOpen(cairo, new Date('2026-01-11T11:00:00Z'))).toBe(false); // 13:00, lunch
    expect(nextOpening(cairo, new Date('2026-01-11T11:30:00Z'))?.toISOString()).toBe('2026-01-11T12:00:00.000Z');
    expect(isOpen(cairo, new Date('2026-01-11T15:00:00Z'))).toBe(false); // 17:00
  });

  it('keeps holidays closed', () => {
    expect(isOpen(cairo, new Date('2026-01-07T08:00:00Z'))).toBe(false); // Wednesday 10:00, a holiday
    expect(nextOpening(cairo, new Date('2026-01-07T08:00:00Z'))?.toISOString()).toBe('2026-01-08T07:00:00.000Z');
  });

  it('follows Cairo across the start and end of summer time (2026-04-24, 2026-10-30)', () => {
    // Thursday 23 April 20:00 (UTC+2) → Sunday 26 April 09:00 in summer time (UTC+3) = 06:00Z.
    expect(nextOpening(cairo, new Date('2026-04-23T18:00:00Z'))?.toISOString()).toBe('2026-04-26T06:00:00.000Z');
    // Thursday 29 October 20:00 (UTC+3) → Sunday 1 November 09:00 back in winter time (UTC+2) = 07:00Z.
    expect(nextOpening(cairo, new Date('2026-10-29T17:00:00Z'))?.toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(isOpen(cairo, new Date('2026-04-26T06:00:00Z'))).toBe(true);
    expect(isOpen(cairo, new Date('2026-04-26T05:59:00Z'))).toBe(false);
  });

  it('follows São Paulo into its last summer time (2018-11-04)', () => {
    // Saturday 3 Nov 2018 12:00 (UTC−3) → Monday 5 Nov 09:00 in summer time (UTC−2) = 11:00Z.
    expect(nextOpening(saoPaulo, new Date('2018-11-03T15:00:00Z'))?.toISOString()).toBe('2018-11-05T11:00:00.000Z');
    // And in 2026 (no summer time since 2019): Monday 09:00 is 12:00Z.
    expect(nextOpening(saoPaulo, new Date('2026-01-10T12:00:00Z'))?.toISOString()).toBe('2026-01-12T12:00:00.000Z');
  });

  it('returns the instant itself while open, and null for a calendar that never opens', () => {
    const open = new Date('2026-01-12T08:15:00Z');
    expect(nextOpening(cairo, open)).toEqual(open);
    expect(nextOpening(parseBusinessCalendar({ timeZone: 'UTC', weekly: {} }), open)).toBeNull();
  });

  it('names the next opening in English and Arabic in the calendar’s zone', () => {
    const vars = openingVariables(cairo, new Date('2026-01-11T07:00:00Z'));
    expect(vars).toEqual({
      nextOpening: 'Sunday 09:00',
      nextOpeningAr: 'الأحد ٠٩:٠٠',
      nextOpeningDate: '2026-01-11',
      nextOpeningTime: '09:00',
      nextOpeningIso: '2026-01-11T07:00:00.000Z',
    });
    expect(openingVariables(cairo, null)).toEqual({});
  });
});
