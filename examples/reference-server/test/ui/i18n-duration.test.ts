import { describe, expect, it } from 'vitest';
import { makeI18n } from '../../ui/src/i18n.js';

describe('i18n.duration', () => {
  const en = makeI18n('en');
  it('keeps sub-second values visible instead of rounding them to 0s', () => {
    expect(en.duration(12)).toBe('12ms');
    expect(en.duration(0.2)).toBe('1ms');
    expect(en.duration(0)).toBe('0s');
    expect(en.duration(999.7)).toBe('1s');
    expect(en.duration(42_000)).toBe('42s');
    expect(en.duration(125_000)).toBe('2m');
  });
  it('uses Arabic-Indic digits in Arabic', () => {
    expect(makeI18n('ar').duration(12)).toMatch(/^١٢/);
  });
});
