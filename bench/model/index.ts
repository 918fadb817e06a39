/**
 * `npm run bench -- --model`: the capacity and cost model. Counts requests per operation for both designs on the
 * running local stack (the emulators' counters, and a counting proxy for Redis commands), measures one
 * partition's fold rate, and computes for a stated workload what each service sees, the partitions needed, the
 * monthly cost at the published prices (bench/prices.ts), and which limit binds first, per log backend.
 */
import { PRICES } from "../prices";
import { type FoldResult, measureFold } from "../scenarios/fold";
import { type DesignCounts, measureModelCounts } from "../scenarios/model-counts";
import { type BenchStack, type Design, type DesignPair, startPair } from "../system";
import { type Backend, type Capacity, capacity, type Fold } from "./capacity";
import { type MonthlyCost, monthlyCost } from "./cost";
import { eventsWithin, type LimitCheck, limitChecks } from "./limits";
import { startRedisCounter } from "./redis-counter";
import { DEFAULT_WORKLOAD, meanRead, meanWrite, type Workload } from "./workload";

export interface ModelRow {
  design: Design;
  backend: Backend;
  capacity: Capacity;
  cost: MonthlyCost;
  limits: LimitCheck[];
}

export interface ModelResult {
  workload: Workload;
  counts: Record<Design, DesignCounts>;
  fold: Record<Design, FoldResult>;
  rows: ModelRow[];
  /** When one Upstash database stops carrying the log and the projection (redis-streams, ours). */
  redisStreamsCeiling: {
    writesPerSecondAtWorkloadReads: number;
    writesPerSecondWithoutReads: number;
    daysUntilMaxDataSize: number;
  };
  /** Events one projector invocation may fold within each plan's subrequest limit. */
  eventsPerInvocation: { free: number; paid: number; freeCpu?: number };
  prices: typeof PRICES;
}

const FOLD_EVENTS = 10_000;

/** Starts a pair whose workers reach Redis through the counter; the bench's own reads go straight to Redis. */
async function countedPair(stack: BenchStack, design: Design, counterUrl: string): Promise<DesignPair> {
  const direct = stack.urls.redis;
  const pair = await startPair(
    { ...stack, env: { ...stack.env, UPSTASH_REDIS_REST_URL: counterUrl } },
    design,
    "model",
  );
  return { ...pair, env: { ...pair.env, UPSTASH_REDIS_REST_URL: direct } };
}

function foldOf(r: FoldResult): Fold {
  return {
    eventsPerSecond: r.eventsPerSecond,
    ...(r.cpuPer1000 && { workerdCpuMsPer1000: r.cpuPer1000.workerd }),
  };
}

export async function runModel(
  stack: BenchStack,
  progress: (message: string) => void,
  workload: Workload = DEFAULT_WORKLOAD,
): Promise<ModelResult> {
  const counter = await startRedisCounter(stack.urls.redis);
  const text = "x".repeat(workload.taskBytes);
  const counts = {} as Record<Design, DesignCounts>;
  const fold = {} as Record<Design, FoldResult>;
  try {
    const [ours, baseline, foldOurs, foldBaseline] = await Promise.all([
      countedPair(stack, "ours", counter.url),
      countedPair(stack, "baseline", counter.url),
      startPair(stack, "ours", "model-fold"),
      startPair(stack, "baseline", "model-fold"),
    ]);
    try {
      for (const pair of [ours, baseline]) {
        progress(`requests per operation, ${pair.design}`);
        counts[pair.design] = await measureModelCounts(stack, pair, counter, text, workload.tasksPerList);
      }
    } finally {
      await Promise.all([ours.close(), baseline.close()]);
    }
    for (const pair of [foldOurs, foldBaseline]) {
      progress(`fold rate of one partition, ${FOLD_EVENTS} events, ${pair.design}`);
      fold[pair.design] = await measureFold(stack, pair, FOLD_EVENTS, text.slice(0, -12));
    }
  } finally {
    await counter.close();
  }

  const rows: ModelRow[] = [];
  const add = (design: Design, backend: Backend) => {
    const f = foldOf(fold[design]);
    const cap = capacity(counts[design], workload, f, backend);
    rows.push({
      design,
      backend,
      capacity: cap,
      cost: monthlyCost(cap),
      limits: limitChecks(cap, counts[design], f, design),
    });
  };
  for (const backend of ["redis-streams", "upstash-kafka", "redpanda"] as const) add("ours", backend);
  add("baseline", "upstash-kafka");

  const o = counts.ours;
  const streamsWrite = meanWrite(o, workload);
  const streamsRead = meanRead(o, workload);
  const perWrite = streamsWrite.redisCommands + streamsWrite.kafkaRequests;
  const perRead = streamsRead.redisCommands + streamsRead.kafkaRequests;
  const maxCps = PRICES.upstashRedis.payAsYouGo.maxCommandsPerSecond.value ?? 0;
  const maxGb = PRICES.upstashRedis.payAsYouGo.maxDataSizeGb.value ?? 0;
  const streams = rows.find((r) => r.design === "ours" && r.backend === "redis-streams");
  const oursFold = foldOf(fold.ours);
  return {
    workload,
    counts,
    fold,
    rows,
    redisStreamsCeiling: {
      writesPerSecondAtWorkloadReads: Math.floor((maxCps - workload.readsPerSecond * perRead) / perWrite),
      writesPerSecondWithoutReads: Math.floor(maxCps / perWrite),
      daysUntilMaxDataSize: streams ? Math.round((maxGb * 1e9) / streams.capacity.logBytesPerDay) : 0,
    },
    eventsPerInvocation: {
      free: eventsWithin(o, PRICES.workers.free.subrequestsPerInvocation.value ?? 0),
      paid: eventsWithin(o, PRICES.workers.paid.subrequestsPerInvocation.value ?? 0),
      ...(oursFold.workerdCpuMsPer1000 && {
        freeCpu: Math.floor(
          ((PRICES.workers.free.cpuMsPerInvocation.value ?? 0) / oursFold.workerdCpuMsPer1000) * 1000,
        ),
      }),
    },
    prices: PRICES,
  };
}
