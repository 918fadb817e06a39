/** Timing and statistics for the benchmarks: a monotonic clock, percentiles, and interleaved rounds. */

export const now = (): number => performance.now();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

/** Nearest-rank percentile of `samples` (p in 0..100); NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

/** The median of `samples` (the mean of the middle two for an even count); NaN for no samples. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** This process's CPU time (user + system) in ms per call, over `n` calls of `call` one after the other. */
export async function cpuPerCall(n: number, call: (i: number) => Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await call(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / n;
}

export function summarize(samples: readonly number[]): Summary {
  const mean = samples.reduce((a, b) => a + b, 0) / (samples.length || 1);
  return { n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), mean };
}

/** Time `fn` in ms with the monotonic clock. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = now();
  const value = await fn();
  return { ms: now() - start, value };
}

/**
 * Runs `rounds` rounds of one block per participant, the order flipped every round, so that slow drift of a
 * shared machine lands on every participant alike: ratios of interleaved samples hold where absolute times do not.
 */
export async function interleave<K extends string>(
  rounds: number,
  participants: readonly K[],
  block: (participant: K, round: number) => Promise<void>,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? participants : [...participants].reverse();
    for (const participant of order) await block(participant, round);
  }
}

/** Polls `check` until it returns a value other than undefined, or throws after `limitMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { limitMs = 60_000, everyMs = 20 } = {},
): Promise<T> {
  const deadline = now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
