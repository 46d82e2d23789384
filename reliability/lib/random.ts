/** A small seeded PRNG (mulberry32): suites are reproducible from their seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Whole number in [min, max]. */
export const between = (random: () => number, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

/**
 * Run tasks from a pool with `concurrency` workers, each taking a random remaining task, so the
 * order is shuffled while new tasks may be added as others run.
 */
export async function runShuffled(random: () => number, tasks: Array<() => Promise<void>>, concurrency: number): Promise<void> {
  const worker = async (): Promise<void> => {
    while (tasks.length > 0) {
      const i = Math.floor(random() * tasks.length);
      const [task] = tasks.splice(i, 1);
      await task!();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
