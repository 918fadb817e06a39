/**
 * `npm run bench [-- --quick | --model | --partitions]`: starts its own local stack and both designs' workers, runs every
 * scenario for this project and for the baseline (the original article's algorithm) on the same emulators in the
 * same run, prints a Markdown table on stdout and writes bench/results/latest.json. Progress goes to stderr.
 * `--model` runs only what the capacity and cost model needs (bench/model/) and writes its `model` section.
 * `--partitions` runs only the many-partitions simulation (bench/scenarios/partitions.ts) and writes its section;
 * with `--quick` too, it runs shorter.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { measureBackends } from "./backends";
import { createFloor } from "./floor";
import { loadNow, machineInfo } from "./machine";
import { now } from "./measure";
import { runModel } from "./model";
import { modelJson } from "./model/report";
import { renderModel } from "./model/table";
import { toJson } from "./report";
import type { BenchResults } from "./results";
import { type BurstResult, measureBurst } from "./scenarios/burst";
import { measureConcurrentCreates, measureSequentialCreates, type Pairs, warmUp } from "./scenarios/create";
import { type FoldResult, measureFold } from "./scenarios/fold";
import { measureLag } from "./scenarios/lag";
import { measureList } from "./scenarios/list";
import { measurePartitions } from "./scenarios/partitions";
import { partitionsJson, renderPartitions } from "./scenarios/partitions-report";
import { measureRebuild, renderRebuild } from "./scenarios/rebuild";
import { measureRoundTrips } from "./scenarios/round-trips";
import { type BenchStack, type Design, startBenchStack, startPair } from "./system";
import { renderMarkdown } from "./table";

// Paths (bundled workers, the stack process, results) are relative to the repository root.
process.chdir(fileURLToPath(new URL("..", import.meta.url)));

const quick = process.argv.includes("--quick");
const model = process.argv.includes("--model");
const rebuildOnly = process.argv.includes("--rebuild");
const partitions = process.argv.includes("--partitions");

/** The simulation's sizes: the same creates per second per partition at every count. */
const PARTITIONS = { counts: [1, 4, 16], ratePerPartition: 2, seconds: quick ? 5 : 20 };

/** Sizes per mode: `--quick` keeps the whole run under a minute. */
const SIZES = quick
  ? {
      warmUp: 3,
      lag: { rounds: 3, perBlock: 4 },
      sequential: { rounds: 3, perBlock: 8 },
      concurrent: { rounds: 2, concurrency: 16, perClient: 3 },
      list: [
        { tasks: 1_000, rounds: 3, perBlock: 2 },
        { tasks: 10_000, rounds: 2, perBlock: 1 },
      ],
      fold: { events: 10_000, runs: 1 },
      rebuild: { events: 10_000 },
      burst: [{ clients: 20, extraPokes: 200 }],
      backends: { creates: 20, lags: 10, foldEvents: 5_000 },
    }
  : {
      warmUp: 10,
      lag: { rounds: 10, perBlock: 10 },
      sequential: { rounds: 10, perBlock: 30 },
      concurrent: { rounds: 6, concurrency: 16, perClient: 10 },
      list: [
        { tasks: 1_000, rounds: 10, perBlock: 5 },
        { tasks: 10_000, rounds: 6, perBlock: 3 },
      ],
      fold: { events: 50_000, runs: 2 },
      rebuild: { events: 50_000 },
      burst: [
        { clients: 20, extraPokes: 200 },
        { clients: 40, extraPokes: 400 },
      ],
      backends: { creates: 100, lags: 40, foldEvents: 20_000 },
    };

const started = now();
const progress = (message: string) =>
  process.stderr.write(`[bench ${((now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);

async function startPairs(stack: BenchStack, scenario: string): Promise<Pairs> {
  const [ours, baseline] = await Promise.all([
    startPair(stack, "ours", scenario),
    startPair(stack, "baseline", scenario),
  ]);
  return { ours, baseline };
}

async function closePairs(pairs: Pairs): Promise<void> {
  await Promise.all([pairs.ours.close(), pairs.baseline.close()]);
}

async function writeResults(json: unknown): Promise<void> {
  await mkdir("bench/results", { recursive: true });
  await writeFile("bench/results/latest.json", `${JSON.stringify(json, null, 2)}\n`);
}

async function mainModel(): Promise<void> {
  const machine = machineInfo();
  progress(`capacity and cost model; load average ${machine.load.start.toFixed(2)}`);
  const stack = await startBenchStack();
  try {
    const result = await runModel(stack, progress);
    machine.load.end = loadNow();
    await writeResults(modelJson(result, machine, (now() - started) / 1000));
    process.stdout.write(renderModel(result));
    progress("wrote bench/results/latest.json");
  } finally {
    await stack.stop();
  }
}

async function mainPartitions(): Promise<void> {
  const machine = machineInfo();
  progress(`partitions simulation; load average ${machine.load.start.toFixed(2)}`);
  const stack = await startBenchStack("redis-streams");
  try {
    const result = await measurePartitions(stack, PARTITIONS, progress);
    machine.load.end = loadNow();
    await writeResults(partitionsJson(result, machine, (now() - started) / 1000));
    process.stdout.write(renderPartitions(result));
    progress("wrote bench/results/latest.json");
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const machine = machineInfo();
  progress(`${quick ? "quick" : "full"} run; load average ${machine.load.start.toFixed(2)}`);
  const stack = await startBenchStack();
  try {
    const floor = await createFloor(stack);
    // Every pair up front, while nothing is measured: starting workerd later would land in a measurement.
    progress("starting the workers of both designs for every scenario");
    const [main, listPairs, ...morePairs] = await Promise.all([
      startPairs(stack, "main"),
      startPairs(stack, "list"),
      ...Array.from({ length: SIZES.fold.runs }, (_, run) => startPairs(stack, `fold${run}`)),
      ...SIZES.burst.map((_, i) => startPairs(stack, `burst${i}`)),
    ]);
    const foldPairs = morePairs.slice(0, SIZES.fold.runs);
    const burstPairs = morePairs.slice(SIZES.fold.runs);
    floor.hopTo(main.ours.commandUrl);
    let results: Omit<BenchResults, "fold" | "list" | "burst" | "backends" | "durationS">;
    try {
      await warmUp(main, floor, SIZES.warmUp);
      progress("projection lag");
      const lag = await measureLag(stack, main, SIZES.lag);
      progress("round trips");
      const roundTrips = {
        ours: await measureRoundTrips(stack, main.ours),
        baseline: await measureRoundTrips(stack, main.baseline),
      };
      progress("createTask at concurrency 1, with the floor");
      const sequential = await measureSequentialCreates(stack, main, floor, SIZES.sequential);
      progress(`createTask at concurrency ${SIZES.concurrent.concurrency}`);
      const concurrent = await measureConcurrentCreates(stack, main, SIZES.concurrent);
      results = { mode: quick ? "quick" : "full", machine, lag, roundTrips, sequential, concurrent };
    } finally {
      await closePairs(main);
    }

    progress(`list over ${SIZES.list.map((s) => s.tasks).join(" and ")} tasks`);
    const list = await measureList(stack, listPairs, floor, SIZES.list).finally(() => closePairs(listPairs));

    const fold: Record<Design, FoldResult[]> = { ours: [], baseline: [] };
    for (const [run, pairs] of foldPairs.entries()) {
      for (const design of run % 2 === 0
        ? (["ours", "baseline"] as const)
        : (["baseline", "ours"] as const)) {
        progress(`fold of ${SIZES.fold.events} events, ${design}, run ${run + 1}/${SIZES.fold.runs}`);
        fold[design].push(await measureFold(stack, pairs[design], SIZES.fold.events));
      }
    }

    const burst: Record<Design, BurstResult[]> = { ours: [], baseline: [] };
    for (const [i, pairs] of burstPairs.entries()) {
      const size = SIZES.burst[i] ?? { clients: 0, extraPokes: 0 };
      for (const design of ["ours", "baseline"] as const) {
        progress(`burst of ${size.clients} writers and ${size.extraPokes} extra pokes, ${design}`);
        burst[design].push(await measureBurst(stack, pairs[design], size));
      }
      await closePairs(pairs);
    }

    const backends = await measureBackends(stack, SIZES.backends, progress);

    progress(`rebuild of ${SIZES.rebuild.events} events against the normal fold, ours`);
    const rebuild = await measureRebuild(
      stack,
      await startPair(stack, "ours", "rebuild"),
      SIZES.rebuild.events,
    );

    machine.load.end = loadNow();
    const all: BenchResults = {
      ...results,
      list,
      fold,
      burst,
      backends,
      durationS: (now() - started) / 1000,
    };
    await writeResults({ ...toJson(all), rebuild });
    process.stdout.write(renderMarkdown(all));
    process.stdout.write(renderRebuild(rebuild));
    progress("wrote bench/results/latest.json");
  } finally {
    await stack.stop();
  }
}

/** `--rebuild`: only the rebuild scenario (printed, not written to latest.json). */
async function mainRebuild(): Promise<void> {
  const stack = await startBenchStack();
  try {
    progress(`rebuild of ${SIZES.rebuild.events} events against the normal fold, ours`);
    const pair = await startPair(stack, "ours", "rebuild");
    process.stdout.write(renderRebuild(await measureRebuild(stack, pair, SIZES.rebuild.events)));
  } finally {
    await stack.stop();
  }
}

const run = model ? mainModel : partitions ? mainPartitions : rebuildOnly ? mainRebuild : main;
run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
