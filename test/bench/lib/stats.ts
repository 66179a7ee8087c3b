/** Median and range of repeated measurements. */

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Every value, in the order measured. */
  values: number[];
}

/** The median (the mean of the two middle values for an even count), min and max; undefined for no values. */
export function summarize(values: number[]): Summary | undefined {
  const xs = values.filter((v) => Number.isFinite(v));
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], values: xs };
}

/** One value as a summary (a derived figure such as a ratio of medians). */
export function single(value: number): Summary {
  return { median: value, min: value, max: value, values: [value] };
}

/** a ÷ b of the medians; undefined when either is missing or b is 0. */
export function ratio(a: Summary | undefined, b: Summary | undefined): Summary | undefined {
  if (!a || !b || b.median === 0) return undefined;
  return single(a.median / b.median);
}
