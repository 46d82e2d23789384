/** Bar heights for a chart, scaled to the largest value (pure; unit-tested without a DOM). */
export interface BarScale {
  /** The largest value (0 when nothing is positive). */
  max: number;
  /** One height per value, in [0, plotHeight]: 0 for null, zero, negative or non-finite values. */
  heights: number[];
  /** True when no value is positive: the chart shows its empty state instead of bars. */
  empty: boolean;
}

const drawable = (v: number | null): v is number => v !== null && Number.isFinite(v) && v > 0;

export function scaleBars(values: ReadonlyArray<number | null>, plotHeight: number): BarScale {
  const max = values.reduce<number>((m, v) => (drawable(v) && v > m ? v : m), 0);
  const heights = values.map((v) => (max > 0 && drawable(v) ? (v / max) * plotHeight : 0));
  return { max, heights, empty: max === 0 };
}
