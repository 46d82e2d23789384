import { describe, expect, it } from 'vitest';
import { scaleBars } from '../../ui/src/admin/chart-scale.js';

describe('scaleBars (KPI bar chart)', () => {
  it('scales every bar to the largest value', () => {
    const s = scaleBars([50, 100, 25], 200);
    expect(s).toEqual({ max: 100, heights: [100, 200, 50], empty: false });
  });

  it('draws no bar for zero, missing or invalid values', () => {
    const s = scaleBars([0, null, 40, Number.NaN, -5, Number.POSITIVE_INFINITY], 120);
    expect(s.max).toBe(40);
    expect(s.heights).toEqual([0, 0, 120, 0, 0, 0]);
    expect(s.empty).toBe(false);
  });

  it('a lone zero is an empty chart, not a full-height bar', () => {
    expect(scaleBars([0], 200)).toEqual({ max: 0, heights: [0], empty: true });
    expect(scaleBars([null, 0, null, 0, 0, 0, 0], 200)).toEqual({ max: 0, heights: [0, 0, 0, 0, 0, 0, 0], empty: true });
  });

  it('no values is an empty chart', () => {
    expect(scaleBars([], 200)).toEqual({ max: 0, heights: [], empty: true });
  });

  it('a small positive value is the only bar and fills the plot', () => {
    expect(scaleBars([null, 0.4, 0], 150).heights).toEqual([0, 150, 0]);
  });
});
