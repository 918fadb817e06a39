/**
 * createTask latency and throughput. At concurrency 1, blocks of sequential creates of each design alternate
 * with blocks of the floor's bare requests, and with blocks in which every QStash publish is held
 * HOSTED_PUBLISH_MS first: the local emulator accepts a publish in about a millisecond, hosted QStash is a
 * round trip across the internet away, and that is the request ours takes off the critical path. At concurrency
 * 16, 16 clients create at once and the block's wall time gives the throughput. Between blocks the projections
 * are let catch up (untimed), so that neither design's background work lands in the other's block.
 */
import { createTask } from "../client";
import { CostMeter, type CostPerOp } from "../cost";
import { delayQStash, quiesce, takePendingQStashFaults } from "../emulators";
import type { Floor } from "../floor";
import { interleave, now, type Summary, summarize } from "../measure";
import type { BenchStack, Design, DesignPair } from "../system";

export type Pairs = Record<Design, DesignPair>;

/** How long a publish is held in the "hosted QStash" blocks: a stand-in for a round trip to hosted QStash. */
export const HOSTED_PUBLISH_MS = 20;

export interface SequentialResult {
  ours: Summary;
  baseline: Summary;
  /** The same, with every QStash publish held HOSTED_PUBLISH_MS. */
  oursHostedQStash: Summary;
  baselineHostedQStash: Summary;
  floorProduce: Summary;
  floorScript: Summary;
  /** `GET /health` of our command worker: the client → workerd hop alone. */
  floorHop: Summary;
  /** A bare worker appending one record through our adapter: the hop and the produce from inside workerd. */
  floorAppend: Summary;
  /** Requests and CPU per create, its projection included. */
  cost: Record<Design, CostPerOp>;
  /** Pokes the bench added because the baseline's projector stopped behind the head (see emulators.quiesce). */
  baselineStalls: number;
}

export interface ConcurrentResult {
  concurrency: number;
  ours: { latency: Summary; perSecond: number; cost: CostPerOp };
  baseline: { latency: Summary; perSecond: number; cost: CostPerOp };
  baselineStalls: number;
}

let created = 0;

async function timedCreate(pair: DesignPair): Promise<number> {
  const start = now();
  await createTask(pair, `Bench task ${++created}`);
  return now() - start;
}

export async function warmUp(pairs: Pairs, floor: Floor, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await timedCreate(pairs.ours);
    await timedCreate(pairs.baseline);
    await floor.produce();
    await floor.script();
    await floor.hop();
    await floor.append();
  }
}

export async function measureSequentialCreates(
  stack: BenchStack,
  pairs: Pairs,
  floor: Floor,
  opts: { rounds: number; perBlock: number },
): Promise<SequentialResult> {
  const samples = {
    ours: [] as number[],
    baseline: [] as number[],
    oursHosted: [] as number[],
    baselineHosted: [] as number[],
    produce: [] as number[],
    script: [] as number[],
    hop: [] as number[],
    append: [] as number[],
  };
  let baselineStalls = 0;
  const meters: Record<Design, CostMeter> = { ours: new CostMeter(stack), baseline: new CostMeter(stack) };
  const blocks = ["ours", "baseline", "floor", "oursHosted", "baselineHosted"] as const;
  await interleave(opts.rounds, blocks, async (who) => {
    if (who === "floor") {
      for (let i = 0; i < opts.perBlock; i++) {
        let start = now();
        await floor.produce();
        samples.produce.push(now() - start);
        start = now();
        await floor.script();
        samples.script.push(now() - start);
        start = now();
        await floor.hop();
        samples.hop.push(now() - start);
        start = now();
        await floor.append();
        samples.append.push(now() - start);
      }
      return;
    }
    const design: Design = who === "ours" || who === "oursHosted" ? "ours" : "baseline";
    const pair = pairs[design];
    const hosted = who === "oursHosted" || who === "baselineHosted";
    const run = async () => {
      for (let i = 0; i < opts.perBlock; i++) samples[who].push(await timedCreate(pair));
    };
    if (hosted) {
      await delayQStash(stack, `/v2/publish/${pair.webhook}`, HOSTED_PUBLISH_MS, opts.perBlock);
      await run();
    } else {
      await meters[design].measure(opts.perBlock, run);
    }
    baselineStalls += (await quiesce(stack, pair)).extraPokes;
    if (hosted) await takePendingQStashFaults(stack);
  });
  return {
    ours: summarize(samples.ours),
    baseline: summarize(samples.baseline),
    oursHostedQStash: summarize(samples.oursHosted),
    baselineHostedQStash: summarize(samples.baselineHosted),
    floorProduce: summarize(samples.produce),
    floorScript: summarize(samples.script),
    floorHop: summarize(samples.hop),
    floorAppend: summarize(samples.append),
    cost: { ours: meters.ours.perOp(), baseline: meters.baseline.perOp() },
    baselineStalls,
  };
}

export async function measureConcurrentCreates(
  stack: BenchStack,
  pairs: Pairs,
  opts: { rounds: number; concurrency: number; perClient: number },
): Promise<ConcurrentResult> {
  const samples: Record<Design, number[]> = { ours: [], baseline: [] };
  const wall: Record<Design, number> = { ours: 0, baseline: 0 };
  let baselineStalls = 0;
  const meters: Record<Design, CostMeter> = { ours: new CostMeter(stack), baseline: new CostMeter(stack) };
  await interleave(opts.rounds, ["ours", "baseline"] as const, async (design) => {
    await meters[design].measure(opts.concurrency * opts.perClient, async () => {
      const start = now();
      await Promise.all(
        Array.from({ length: opts.concurrency }, async () => {
          for (let i = 0; i < opts.perClient; i++) samples[design].push(await timedCreate(pairs[design]));
        }),
      );
      wall[design] += now() - start;
    });
    baselineStalls += (await quiesce(stack, pairs[design])).extraPokes;
  });
  const result = (design: Design) => ({
    latency: summarize(samples[design]),
    perSecond: (samples[design].length / wall[design]) * 1000,
    cost: meters[design].perOp(),
  });
  return {
    concurrency: opts.concurrency,
    ours: result("ours"),
    baseline: result("baseline"),
    baselineStalls,
  };
}
