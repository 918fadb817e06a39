/**
 * `npm run bench [-- --quick | --model | --partitions]`: starts its own local stack and both designs' workers, runs every
 * scenario for this project and for the baseline (the original article's algorithm) on the same emulators in the
 * same run, prints a Markdown table on stdout and writes bench/results/latest.json. Progress goes to stderr.
 * `--model` runs only what the capacity and cost model needs (bench/model/) and writes its `model` section.
 * `--partitions` runs only the many-partitions simulation (bench/scenarios/partitions.ts) and writes its section;
 * with `--quick` too, it runs shorter. `--sealing` runs only the sealing scenario (a named list's sealed words against
 * the default list's clear ones, bench/scenarios/sealing.ts) and writes its section, on Kafka REST as the full run
 * does, or with `--redis-streams` on Redis Streams in the projection's database (where the fold runs inside Redis).
 * `--live` runs only the live updates scenario (bench/scenarios/live.ts) and writes its section. `--fold` runs only the fold scenario, ours against
 * the baseline in rounds whose order flips, and prints each round and the median ratio (nothing written): a quick
 * before/after of a change to the fold. `--creates` runs only createTask one at a time, the baseline and ours on Kafka
 * REST and ours on Redis Streams in the projection's database, alternating (bench/scenarios/create-sides.ts), and
 * prints the table (nothing written).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { EventLogBackend } from "../shared/config/event-log";
import { measureBackends } from "./backends";
import { createFloor } from "./floor";
import { loadNow, type MachineInfo, machineInfo } from "./machine";
import { now } from "./measure";
import { runModel } from "./model";
import { liveCost, renderLiveCost } from "./model/live-cost";
import { modelJson } from "./model/report";
import { renderModel } from "./model/table";
import { toJson } from "./report";
import type { BenchResults } from "./results";
import { type BurstResult, measureBurst } from "./scenarios/burst";
import { measureConcurrentCreates, measureSequentialCreates, type Pairs, warmUp } from "./scenarios/create";
import { type CreateSide, measureCreateSides, renderCreateSides } from "./scenarios/create-sides";
import { type FoldResult, measureFold } from "./scenarios/fold";
import { measureLag } from "./scenarios/lag";
import { measureList } from "./scenarios/list";
import { type LiveSizes, measureLive, renderLive } from "./scenarios/live";
import { measurePartitions } from "./scenarios/partitions";
import { partitionsJson, renderPartitions } from "./scenarios/partitions-report";
import { measureRebuild, renderRebuild } from "./scenarios/rebuild";
import { measureRoundTrips } from "./scenarios/round-trips";
import { measureSealing, renderSealing, type SealingPairs, sealingJson } from "./scenarios/sealing";
import { type BenchStack, type Design, startBenchStack, startFloorWorker, startPair } from "./system";
import { renderMarkdown } from "./table";

// Paths (bundled workers, the stack process, results) are relative to the repository root.
process.chdir(fileURLToPath(new URL("..", import.meta.url)));

const quick = process.argv.includes("--quick");
const model = process.argv.includes("--model");
const rebuildOnly = process.argv.includes("--rebuild");
const partitions = process.argv.includes("--partitions");
const sealingOnly = process.argv.includes("--sealing");
const liveOnly = process.argv.includes("--live");
const foldOnly = process.argv.includes("--fold");
const createsOnly = process.argv.includes("--creates");

/** The simulation's sizes: the same creates per second per partition at every count. */
const PARTITIONS = { counts: [1, 4, 16], ratePerPartition: 2, seconds: quick ? 5 : 20 };

/** The size of a scenario in a `--quick` run and in a full one. */
const size = <T>(quickSize: T, fullSize: T): T => (quick ? quickSize : fullSize);

/** Sizes per mode: `--quick` keeps the whole run under a minute. */
const SIZES = {
  warmUp: size(3, 10),
  lag: size({ rounds: 3, perBlock: 4 }, { rounds: 10, perBlock: 10 }),
  sequential: size({ rounds: 3, perBlock: 8 }, { rounds: 10, perBlock: 30 }),
  concurrent: { concurrency: 16, ...size({ rounds: 2, perClient: 3 }, { rounds: 6, perClient: 10 }) },
  list: [
    { tasks: 1_000, ...size({ rounds: 3, perBlock: 2 }, { rounds: 10, perBlock: 5 }) },
    { tasks: 10_000, ...size({ rounds: 2, perBlock: 1 }, { rounds: 6, perBlock: 3 }) },
  ],
  fold: size({ events: 10_000, runs: 1 }, { events: 50_000, runs: 2 }),
  rebuild: { events: size(10_000, 50_000) },
  burst: size(
    [{ clients: 20, extraPokes: 200 }],
    [
      { clients: 20, extraPokes: 200 },
      { clients: 40, extraPokes: 400 },
    ],
  ),
  backends: size(
    { creates: 20, lags: 10, foldEvents: 5_000 },
    { creates: 100, lags: 40, foldEvents: 20_000 },
  ),
  sealing: {
    create: size({ rounds: 4, perBlock: 8 }, { rounds: 10, perBlock: 20 }),
    // A read of 1,000 takes about 25 ms: 200 reads a side in 40 interleaved rounds cost seconds, and at 50 in 10 the
    // p50's ratio moved by 15 % between runs of one commit on a quiet machine.
    list: { tasks: 1_000, ...size({ rounds: 4, perBlock: 2 }, { rounds: 40, perBlock: 5 }) },
    // 16 folds a side: at 8, the fold's ratio moved between 0.83 and 0.98 across six runs of one commit.
    fold: size({ events: 5_000, pairs: 1, rounds: 4 }, { events: 10_000, pairs: 2, rounds: 8 }),
  },
  live: {
    settings: size(
      [
        { subscribers: 1, lists: 1 },
        { subscribers: 100, lists: 1 },
      ],
      [
        { subscribers: 1, lists: 1 },
        { subscribers: 100, lists: 1 },
        { subscribers: 1000, lists: 1 },
        { subscribers: 100, lists: 10 },
        { subscribers: 1000, lists: 100 },
      ],
    ),
    samples: size(20, 100),
    burst: { clients: 20, extraPokes: 200 },
  } satisfies LiveSizes,
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

/** The sealing scenario's workers, ours only: one pair for creates, one for lists, one per fold run. */
async function startSealingPairs(stack: BenchStack): Promise<SealingPairs> {
  const [create, list, ...folds] = await Promise.all([
    startPair(stack, "ours", "sealing-create"),
    startPair(stack, "ours", "sealing-list"),
    ...Array.from({ length: SIZES.sealing.fold.pairs }, (_, run) =>
      startPair(stack, "ours", `sealing-fold${run}`),
    ),
  ]);
  if (!create || !list) throw new Error("the sealing scenario's pairs did not start");
  return { create, list, folds };
}

async function closePairs(pairs: Pairs): Promise<void> {
  await Promise.all([pairs.ours.close(), pairs.baseline.close()]);
}

async function writeResults(json: unknown): Promise<void> {
  await mkdir("bench/results", { recursive: true });
  await writeFile("bench/results/latest.json", `${JSON.stringify(json, null, 2)}\n`);
}

/**
 * A run of one section alone (`--model`, `--partitions`): on a stack of its own, its result written as
 * latest.json and printed as Markdown.
 */
async function mainSection<R>(section: {
  what: string;
  eventLog?: EventLogBackend;
  measure: (stack: BenchStack) => Promise<R>;
  json: (result: R, machine: MachineInfo, durationS: number) => unknown;
  render: (result: R) => string;
}): Promise<void> {
  const machine = machineInfo();
  progress(`${section.what}; load average ${machine.load.start.toFixed(2)}`);
  const stack = await startBenchStack(section.eventLog);
  try {
    const result = await section.measure(stack);
    machine.load.end = loadNow();
    await writeResults(section.json(result, machine, (now() - started) / 1000));
    process.stdout.write(section.render(result));
    progress("wrote bench/results/latest.json");
  } finally {
    await stack.stop();
  }
}

const mainModel = () =>
  mainSection({
    what: "capacity and cost model",
    measure: (stack) => runModel(stack, progress),
    json: modelJson,
    render: renderModel,
  });

const mainPartitions = () =>
  mainSection({
    what: "partitions simulation",
    eventLog: "redis-streams",
    measure: (stack) => measurePartitions(stack, PARTITIONS, progress),
    json: partitionsJson,
    render: renderPartitions,
  });

async function main(): Promise<void> {
  const machine = machineInfo();
  progress(`${quick ? "quick" : "full"} run; load average ${machine.load.start.toFixed(2)}`);
  const stack = await startBenchStack();
  try {
    const floor = await createFloor(stack);
    // Every pair up front, while nothing is measured: starting workerd later would land in a measurement.
    progress("starting the workers of both designs for every scenario");
    const sealingPairs = await startSealingPairs(stack);
    const [main, listPairs, ...morePairs] = await Promise.all([
      startPairs(stack, "main"),
      startPairs(stack, "list"),
      ...Array.from({ length: SIZES.fold.runs }, (_, run) => startPairs(stack, `fold${run}`)),
      ...SIZES.burst.map((_, i) => startPairs(stack, `burst${i}`)),
    ]);
    const foldPairs = morePairs.slice(0, SIZES.fold.runs);
    const burstPairs = morePairs.slice(SIZES.fold.runs);
    floor.hopTo(main.ours.commandUrl);
    const floorWorker = await startFloorWorker(stack);
    floor.appendAt(floorWorker.url);
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
      await Promise.all([closePairs(main), floorWorker.close()]);
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

    const sealing = await measureSealing(stack, sealingPairs, SIZES.sealing, progress);

    machine.load.end = loadNow();
    const all: BenchResults = {
      ...results,
      list,
      fold,
      burst,
      backends,
      durationS: (now() - started) / 1000,
    };
    await writeResults({ ...toJson(all), rebuild, sealing: sealingJson(sealing) });
    process.stdout.write(renderMarkdown(all));
    process.stdout.write(renderRebuild(rebuild));
    process.stdout.write(renderSealing(sealing));
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

/** `--fold`: only the fold scenario, ours against the baseline in alternating rounds (printed, not written). */
async function mainFold(): Promise<void> {
  const rounds = quick ? 3 : 5;
  const { events } = SIZES.fold;
  // Ours on Redis Streams (the deploy guide's log, in the projection's Redis: the fold inside Redis) on a stack of its
  // own, timed in the same alternation as the baseline and ours on Kafka REST, each against the baseline's fold.
  const [stack, streams] = await Promise.all([startBenchStack(), startBenchStack("redis-streams")]);
  try {
    const sides = [
      { name: "baseline", design: "baseline", stack },
      { name: "ours", design: "ours", stack },
      { name: "ours on redis-streams", design: "ours", stack: streams },
    ] as const;
    const rates: Record<string, number[]> = {};
    const lines: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        progress(`fold of ${events} events, ${side.name}, round ${round + 1}/${rounds}`);
        const pair = await startPair(side.stack, side.design, `fold${round}`);
        const result = await measureFold(side.stack, pair, events);
        rates[side.name] = [...(rates[side.name] ?? []), result.eventsPerSecond];
        const cpu = result.cpuPer1000
          ? Object.entries(result.cpuPer1000)
              .map(([process, ms]) => `${process} ${ms}`)
              .join(", ")
          : "n/a";
        lines.push(
          `| ${round + 1} | ${side.name} | ${Math.round(result.eventsPerSecond)}/s | ${result.invocations} | ${cpu} |`,
        );
      }
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const ratios = (name: string) => {
      const per = (rates[name] ?? []).map((r, i) => r / (rates.baseline?.[i] ?? Number.NaN));
      return `${name} ÷ baseline per round: ${per.map((r) => r.toFixed(2)).join(", ")}; median ${median(per).toFixed(2)}`;
    };
    process.stdout.write(
      `fold of ${events} events from offset 0, load average ${loadNow().toFixed(2)} at the end\n\n` +
        "| round | side | events/s | invocations | CPU ms per 1,000 events |\n|---|---|---:|---:|---|\n" +
        `${lines.join("\n")}\n\n${ratios("ours")}\n${ratios("ours on redis-streams")}\n`,
    );
  } finally {
    await Promise.all([stack.stop(), streams.stop()]);
  }
}

async function mainCreates(): Promise<void> {
  // Ours on Redis Streams on a stack of its own, as in mainFold: the log in the projection's database.
  const [stack, streams] = await Promise.all([startBenchStack(), startBenchStack("redis-streams")]);
  const sides: CreateSide[] = [];
  try {
    sides.push(
      { name: "baseline", stack, pair: await startPair(stack, "baseline", "creates") },
      { name: "ours", stack, pair: await startPair(stack, "ours", "creates") },
      { name: "ours on redis-streams", stack: streams, pair: await startPair(streams, "ours", "creates") },
    );
    progress("createTask one at a time: baseline, ours, ours on redis-streams");
    const results = await measureCreateSides(sides, {
      rounds: quick ? 3 : 10,
      perBlock: quick ? 10 : 30,
      warmUp: SIZES.warmUp,
    });
    process.stdout.write(renderCreateSides(results, loadNow()));
  } finally {
    await Promise.all(sides.map((side) => side.pair.close()));
    await Promise.all([stack.stop(), streams.stop()]);
  }
}

const sealingLog: EventLogBackend = process.argv.includes("--redis-streams")
  ? "redis-streams"
  : "upstash-kafka";

const mainSealing = () =>
  mainSection({
    what: `sealing: a named list's sealed words against the default list's clear ones, on ${sealingLog}`,
    eventLog: sealingLog,
    measure: async (stack) => measureSealing(stack, await startSealingPairs(stack), SIZES.sealing, progress),
    json: (result, machine, durationS) => ({
      mode: quick ? "quick" : "full",
      date: machine.date,
      duration_s: Math.round(durationS * 10) / 10,
      machine,
      sealing: { event_log: sealingLog, ...sealingJson(result) },
    }),
    render: (result) => renderSealing(result, sealingLog),
  });

const mainLive = () =>
  mainSection({
    what: "live updates: from a mutation's answer until subscribers have it",
    measure: async (stack) => {
      const pair = await startPair(stack, "ours", "live", {}, { live: true });
      try {
        return await measureLive(stack, pair, SIZES.live, progress);
      } finally {
        await pair.close();
      }
    },
    json: (rows, machine, durationS) => ({
      mode: quick ? "quick" : "full",
      date: machine.date,
      duration_s: Math.round(durationS * 10) / 10,
      machine,
      live: { rows, cost: liveCost() },
    }),
    render: (rows) => renderLive(rows) + renderLiveCost(),
  });

const run = liveOnly
  ? mainLive
  : model
    ? mainModel
    : partitions
      ? mainPartitions
      : rebuildOnly
        ? mainRebuild
        : sealingOnly
          ? mainSealing
          : foldOnly
            ? mainFold
            : createsOnly
              ? mainCreates
              : main;
run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
