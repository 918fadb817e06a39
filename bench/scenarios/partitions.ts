/**
 * Many partitions on one machine: for each partition count, a fresh pair of workers on a log of that many
 * partitions (Redis Streams, which needs no topic set up per count) takes creates at the same rate per partition,
 * from many concurrent writers (open loop: a create starts on schedule, whatever the others are doing). Lag is
 * the time from a create's acknowledgement until the projection's checkpoint of its partition passes its offset
 * (the `x-consistency-token` it answered), read from Redis by one watcher every few milliseconds, so the
 * measurement costs the same at every partition count. Flat lag as the partitions grow, with the writes per
 * partition held, is what independent per-partition folds promise; the total load grows with the count, so the
 * machine's two cores are the limit here, not the design.
 */
import { now, type Summary, sleep, summarize } from "../measure";
import { type BenchStack, type DesignPair, startPair } from "../system";

export interface PartitionsRun {
  partitions: number;
  /** Creates started per second per partition (the schedule), and in all. */
  ratePerPartition: number;
  writes: number;
  seconds: number;
  /** Creates acknowledged per second, in all and per partition. */
  writesPerSecond: number;
  writesPerPartitionPerSecond: number;
  /** Most creates in flight at once. */
  peakInFlight: number;
  /** createTask latency (ms). */
  create: Summary;
  /** From acknowledgement to the partition's checkpoint passing the create's offset (ms). */
  lag: Summary;
  lagMax: number;
  /** Creates that failed (their error, counted). */
  failed: number;
}

export interface PartitionsResult {
  counts: number[];
  runs: PartitionsRun[];
  /** lag p50 and p99 at the largest count ÷ at the smallest: near 1 is flat. */
  lagGrowth: { p50: number; p99: number };
  /** The same for createTask, which no partition count changes: how much the machine itself slowed. */
  createGrowth: { p50: number; p99: number };
}

const CREATE = "mutation ($text: String!) { createTask(text: $text) { id } }";
/** How often the watcher reads every checkpoint. */
const WATCH_MS = 5;
const DRAIN_LIMIT_MS = 60_000;

/** Creates a task; answers its position (`partition:offset`) from the consistency token. */
async function create(pair: DesignPair, text: string): Promise<{ partition: number; offset: number }> {
  const res = await fetch(`${pair.commandUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query: CREATE, variables: { text } }),
  });
  const body = (await res.json()) as { errors?: unknown };
  const token = res.headers.get("x-consistency-token") ?? "";
  const match = /^(\d+):(\d+)$/.exec(token);
  if (!res.ok || body.errors || !match) {
    throw new Error(`createTask answered ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  }
  return { partition: Number(match[1]), offset: Number(match[2]) };
}

/** Every partition's checkpoint, read from the projection's hash in one Redis REST call. */
async function checkpoints(pair: DesignPair): Promise<Map<number, number>> {
  const res = await fetch(`${pair.env.UPSTASH_REDIS_REST_URL}/hgetall/${pair.prefix}:checkpoint`, {
    headers: { authorization: `Bearer ${pair.env.UPSTASH_REDIS_REST_TOKEN}` },
  });
  const { result } = (await res.json()) as { result: string[] | null };
  const out = new Map<number, number>();
  const flat = result ?? [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(Number(flat[i]), Number(flat[i + 1]));
  return out;
}

type Waiting = { partition: number; offset: number; acked: number };

async function runOne(
  stack: BenchStack,
  partitions: number,
  opts: { ratePerPartition: number; seconds: number },
): Promise<PartitionsRun> {
  const pair = await startPair(stack, "ours", `partitions${partitions}`, {
    EVENT_LOG_PARTITIONS: String(partitions),
  });
  try {
    // One create per partition first, unmeasured: the first requests compile and load scripts.
    await Promise.all(Array.from({ length: partitions }, (_, i) => create(pair, `warm-up ${i}`)));

    const waiting = new Set<Waiting>();
    const lags: number[] = [];
    const creates: number[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching || waiting.size > 0) {
        const at = await checkpoints(pair);
        const t = now();
        for (const w of waiting) {
          if ((at.get(w.partition) ?? 0) > w.offset) {
            lags.push(t - w.acked);
            waiting.delete(w);
          }
        }
        await sleep(WATCH_MS);
      }
    })();

    const total = Math.round(opts.ratePerPartition * partitions * opts.seconds);
    const gapMs = 1000 / (opts.ratePerPartition * partitions);
    let inFlight = 0;
    let peakInFlight = 0;
    let failed = 0;
    const started = now();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + i * gapMs;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      const sent = now();
      writes.push(
        create(pair, `task ${i}`).then(
          (position) => {
            const acked = now();
            creates.push(acked - sent);
            waiting.add({ ...position, acked });
            inFlight--;
          },
          () => {
            failed++;
            inFlight--;
          },
        ),
      );
    }
    await Promise.all(writes);
    const seconds = (now() - started) / 1000;
    watching = false;
    const drained = await Promise.race([watcher.then(() => true), sleep(DRAIN_LIMIT_MS).then(() => false)]);
    if (!drained)
      throw new Error(`${partitions} partitions: ${waiting.size} creates not projected after 60 s`);
    const acked = creates.length;
    return {
      partitions,
      ratePerPartition: opts.ratePerPartition,
      writes: acked,
      seconds,
      writesPerSecond: acked / seconds,
      writesPerPartitionPerSecond: acked / seconds / partitions,
      peakInFlight,
      create: summarize(creates),
      lag: summarize(lags),
      lagMax: Math.max(...lags),
      failed,
    };
  } finally {
    await pair.close();
  }
}

export async function measurePartitions(
  stack: BenchStack,
  opts: { counts: number[]; ratePerPartition: number; seconds: number },
  progress: (message: string) => void,
): Promise<PartitionsResult> {
  const runs: PartitionsRun[] = [];
  for (const partitions of opts.counts) {
    progress(
      `${partitions} partition(s), ${opts.ratePerPartition} creates/s each (${opts.ratePerPartition * partitions}/s) for ${opts.seconds} s`,
    );
    runs.push(await runOne(stack, partitions, opts));
  }
  const first = runs[0];
  const last = runs.at(-1);
  const growth = (of: (run: PartitionsRun) => Summary) =>
    first && last
      ? { p50: of(last).p50 / of(first).p50, p99: of(last).p99 / of(first).p99 }
      : { p50: Number.NaN, p99: Number.NaN };
  return {
    counts: opts.counts,
    runs,
    lagGrowth: growth((run) => run.lag),
    createGrowth: growth((run) => run.create),
  };
}
