/**
 * Reading a whole list of 1,000 and then 10,000 projected tasks: the tasks are written to each design's fresh topic
 * as a backlog, projected, checked (the read must answer exactly that many), then read in interleaved blocks. The
 * baseline reads them in one `list`; ours in pages of 500 (its most per request), one request after another.
 */
import { buildBacklog, produceBacklog } from "../backlog";
import { listPages, listTasks } from "../client";
import { CostMeter, type CostPerOp } from "../cost";
import { projectAll, redisCommand } from "../emulators";
import type { Floor } from "../floor";
import { interleave, now, type Summary, summarize } from "../measure";
import type { BenchStack, Design } from "../system";
import type { Pairs } from "./create";

export interface ListSize {
  tasks: number;
  ours: Summary;
  baseline: Summary;
  floorScript: Summary;
  /** Requests and CPU per list. */
  cost: Record<Design, CostPerOp>;
  /** Size of the GraphQL answer in bytes. */
  answerBytes: Record<Design, number>;
  /** Average size of one task's stored value in Redis, in bytes (ours: the task state; baseline: the task JSON). */
  storedBytesPerTask: Record<Design, number>;
}

const LIST = "query { list { id text done } }";

/** Bytes of one stored task value, read straight from Redis (a sample of one task). */
async function storedBytes(stack: BenchStack, pair: Pairs[Design]): Promise<number> {
  let value: unknown;
  if (pair.design === "ours") {
    const pairOfFieldAndValue = await redisCommand(stack, [
      "HRANDFIELD",
      `${pair.prefix}:state`,
      "1",
      "WITHVALUES",
    ]);
    value = Array.isArray(pairOfFieldAndValue) ? pairOfFieldAndValue[1] : undefined;
  } else {
    const id = await redisCommand(stack, ["SRANDMEMBER", `${pair.prefix}:tasks`]);
    value =
      typeof id === "string" ? await redisCommand(stack, ["GET", `${pair.prefix}:task:${id}`]) : undefined;
  }
  return typeof value === "string" ? Buffer.byteLength(value) : 0;
}

/** Bytes of the answers that read the whole list (ours: every page, JSON as sent). */
async function answerBytes(pair: Pairs[Design]): Promise<number> {
  if (pair.design === "ours") return (await listPages(pair, undefined, true)).bytes;
  const res = await fetch(`${pair.commandUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: LIST }),
  });
  return (await res.arrayBuffer()).byteLength;
}

/** Brings both designs to `to` tasks (untimed, so both at once), and checks that list answers them all. */
async function fillTo(stack: BenchStack, pairs: Pairs, from: number, to: number): Promise<void> {
  await Promise.all(
    (["ours", "baseline"] as const).map(async (design) => {
      const pair = pairs[design];
      await produceBacklog(pair, buildBacklog(design, { events: to - from }, `list-${from}`));
      await projectAll(stack, pair);
      const listed = (await listTasks(pair)).length;
      if (listed !== to) throw new Error(`${design}: list answered ${listed} tasks, expected ${to}`);
    }),
  );
}

export async function measureList(
  stack: BenchStack,
  pairs: Pairs,
  floor: Floor,
  sizes: ReadonlyArray<{ tasks: number; rounds: number; perBlock: number }>,
): Promise<ListSize[]> {
  const results: ListSize[] = [];
  let filled = 0;
  for (const size of sizes) {
    await fillTo(stack, pairs, filled, size.tasks);
    filled = size.tasks;
    const samples: Record<Design | "floor", number[]> = { ours: [], baseline: [], floor: [] };
    const meters: Record<Design, CostMeter> = { ours: new CostMeter(stack), baseline: new CostMeter(stack) };
    await interleave(size.rounds, ["ours", "baseline", "floor"] as const, async (who) => {
      const block = async () => {
        for (let i = 0; i < size.perBlock; i++) {
          const start = now();
          if (who === "floor") await floor.script();
          else await listTasks(pairs[who]);
          samples[who].push(now() - start);
        }
      };
      if (who === "floor") await block();
      else await meters[who].measure(size.perBlock, block);
    });
    results.push({
      tasks: size.tasks,
      ours: summarize(samples.ours),
      baseline: summarize(samples.baseline),
      floorScript: summarize(samples.floor),
      cost: { ours: meters.ours.perOp(), baseline: meters.baseline.perOp() },
      answerBytes: { ours: await answerBytes(pairs.ours), baseline: await answerBytes(pairs.baseline) },
      storedBytesPerTask: {
        ours: await storedBytes(stack, pairs.ours),
        baseline: await storedBytes(stack, pairs.baseline),
      },
    });
  }
  return results;
}
