/**
 * What sealing a named list's words costs (ours only). The same operations on three lists, with the same workers in
 * the same run, in interleaved blocks: a named list minted by `createList` (its texts sealed by the command worker
 * with the list's key, AES-256-GCM, and opened on the way out), a named list whose words are clear (registered with
 * no key, as the lists minted before lists had keys are), and the default list (clear). Compared by ratio:
 * - createTask p50, one at a time (the projection let catch up between blocks, untimed), without an idempotency key
 *   and with one (as the app sends every change: on a named list its claim goes with the list's look);
 * - reading a whole list of `list.tasks` tasks (pages of 500), p50, and the first read of each list apart (the
 *   isolate keeps the words it opened lately, so only the first read of the sealed list opens every text);
 * - the projector's fold of a backlog in events/s: a sealed backlog (sealed by the command worker's own code with
 *   the list's key, read from the registry), a named clear one and a default-list one, appended one after the other
 *   to the same topic (after an untimed warm-up fold) and each folded from where the checkpoint stood, the order
 *   flipped every round.
 * CPU per operation (from /proc, Linux only) is recorded beside each: workerd's share is where sealing is paid.
 */
import { randomBytes } from "node:crypto";
import type { EventLogBackend } from "../../shared/config/event-log";
import { type BacklogShape, buildBacklog, buildSealedBacklog, produceBacklog } from "../backlog";
import { createList, createTask, listPages, poke } from "../client";
import { CostMeter, type CostPerOp } from "../cost";
import { type CpuTimes, cpuSince, readCpu } from "../cpu";
import { checkpoint, logHead, projectAll, quiesce, redisCommand } from "../emulators";
import { interleave, now, type Summary, sleep, summarize } from "../measure";
import type { BenchStack, DesignPair } from "../system";

/**
 * Where the operations run: a named list with a key (its words sealed), a named list without one (registered as the
 * lists minted before lists had keys are: its words clear, its capability checked like any named list's), and the
 * default list (clear). Sealed against default is the whole cost of a sealed list; sealed against named is
 * what the encryption alone costs, the capability check (one more read in the same round trip) being the rest.
 */
export type Side = "sealed" | "named" | "clear";
const SIDES = ["sealed", "named", "clear"] as const;

export interface SealingSizes {
  create: { rounds: number; perBlock: number };
  list: { tasks: number; rounds: number; perBlock: number };
  /** Per pair (`pairs` of them), `rounds` folds of `events` events per side, the order flipped every round. */
  fold: { events: number; pairs: number; rounds: number };
}

export interface SealingResult {
  create: Record<Side, Summary> & { cost: Record<Side, CostPerOp> };
  /** The same creates, each with an idempotency key of its own. */
  createKeyed: Record<Side, Summary> & { cost: Record<Side, CostPerOp> };
  list: Record<Side, Summary> & {
    tasks: number;
    firstMs: Record<Side, number>;
    cost: Record<Side, CostPerOp>;
  };
  /** One entry per run, per side: events/s and CPU ms per 1,000 events. */
  fold: { events: number; runs: Record<Side, Array<{ eventsPerSecond: number; cpuPer1000?: CpuTimes }>> };
  /** sealed / clear (the default list): above 1 is a cost for times, below 1 for the fold's rate. */
  ratios: Ratios;
  /** sealed / named (a named list without a key): the encryption alone. */
  ratiosToNamed: Ratios;
}

interface Ratios {
  create_p50: number;
  create_keyed_p50: number;
  list_p50: number;
  fold_events_per_s: number;
}

/** The pairs of workers the scenario uses: one for creates, one for lists, one per fold run. */
export interface SealingPairs {
  create: DesignPair;
  list: DesignPair;
  folds: DesignPair[];
}

/** The pair's two named lists: one minted through its command worker (with a key), one registered without one. */
interface Lists {
  sealed: { id: string; key: string };
  named: { id: string };
}

async function makeLists(stack: BenchStack, pair: DesignPair): Promise<Lists> {
  const id = await createList(pair, "sealing bench");
  const key = await redisCommand(stack, ["HGET", `${pair.prefix}:list-meta:${id}`, "key"]);
  if (typeof key !== "string" || key === "") throw new Error(`list ${id} has no data key in the registry`);
  // A list as the registry holds one minted before lists had keys (key ''): named, its words clear.
  const named = randomBytes(16).toString("base64url");
  const view = randomBytes(16).toString("base64url");
  const fields = ["view", view, "createdAt", new Date().toISOString(), "key", ""];
  await redisCommand(stack, ["HSET", `${pair.prefix}:list-meta:${named}`, ...fields]);
  await redisCommand(stack, ["SET", `${pair.prefix}:list-view:${view}`, named]);
  return { sealed: { id, key }, named: { id: named } };
}

const listIdOf = (lists: Lists, side: Side) =>
  side === "sealed" ? lists.sealed.id : side === "named" ? lists.named.id : undefined;

/** The records of a backlog on a side's list: sealed with the list's key, or clear with or without a listId. */
async function backlogOf(lists: Lists, side: Side, shape: BacklogShape, label: string) {
  if (side === "sealed") return buildSealedBacklog(shape, label, lists.sealed);
  if (side === "named") return buildBacklog("ours", shape, label, lists.named.id);
  return buildBacklog("ours", shape, label);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const bySide = <T>(make: (side: Side) => T): Record<Side, T> => ({
  sealed: make("sealed"),
  named: make("named"),
  clear: make("clear"),
});

async function measureCreates(
  stack: BenchStack,
  pair: DesignPair,
  opts: SealingSizes["create"],
  keyed = false,
): Promise<SealingResult["create"]> {
  const lists = await makeLists(stack, pair);
  const run = randomBytes(6).toString("base64url");
  let n = 0;
  const create = (side: Side, text?: string) => {
    n++;
    const key = keyed ? `bench-${run}-${n}` : undefined;
    return createTask(pair, text ?? `Bench task ${n}`, listIdOf(lists, side), key);
  };
  // Warm every path (the list's key imported, the scripts loaded) before anything is timed.
  for (const side of SIDES) await create(side, `warm-up ${side}`);
  await quiesce(stack, pair);
  const samples = bySide((): number[] => []);
  const meters = bySide(() => new CostMeter(stack));
  await interleave(opts.rounds, SIDES, async (side) => {
    await meters[side].measure(opts.perBlock, async () => {
      for (let i = 0; i < opts.perBlock; i++) {
        const start = now();
        await create(side);
        samples[side].push(now() - start);
      }
    });
    await quiesce(stack, pair);
  });
  return { ...bySide((side) => summarize(samples[side])), cost: bySide((side) => meters[side].perOp()) };
}

async function measureLists(
  stack: BenchStack,
  pair: DesignPair,
  opts: SealingSizes["list"],
): Promise<SealingResult["list"]> {
  const lists = await makeLists(stack, pair);
  for (const side of SIDES)
    await produceBacklog(pair, await backlogOf(lists, side, { events: opts.tasks }, side));
  await projectAll(stack, pair);
  const firstMs = bySide(() => 0);
  for (const side of SIDES) {
    const start = now();
    const { tasks } = await listPages(pair, listIdOf(lists, side));
    firstMs[side] = now() - start;
    if (tasks.length !== opts.tasks)
      throw new Error(`${side}: read ${tasks.length} tasks, expected ${opts.tasks}`);
    // The sealed list must answer its words opened, not the references the projection holds.
    if (!tasks.every((t) => t.text.startsWith(`${side} task `)))
      throw new Error(`${side}: a task's text is not the words it was created with`);
  }
  const samples = bySide((): number[] => []);
  const meters = bySide(() => new CostMeter(stack));
  await interleave(opts.rounds, SIDES, async (side) => {
    await meters[side].measure(opts.perBlock, async () => {
      for (let i = 0; i < opts.perBlock; i++) {
        const start = now();
        await listPages(pair, listIdOf(lists, side));
        samples[side].push(now() - start);
      }
    });
  });
  return {
    tasks: opts.tasks,
    ...bySide((side) => summarize(samples[side])),
    firstMs,
    cost: bySide((side) => meters[side].perOp()),
  };
}

const FOLD_POLL_MS = 5;
const FOLD_LIMIT_MS = 300_000;

/**
 * Appends a backlog after what the pair's topic holds and folds it from there: one signed poke (the projector
 * re-pokes itself through QStash while work is left), timed until the checkpoint reaches the head. Gives events/s
 * and CPU.
 */
async function foldOne(
  pair: DesignPair,
  side: Side,
  events: number,
  lists: Lists,
): Promise<{ eventsPerSecond: number; cpuPer1000?: CpuTimes }> {
  const from = await logHead(pair);
  if ((await checkpoint(pair)) < from) throw new Error("the fold pair's projection is behind its log");
  await produceBacklog(pair, await backlogOf(lists, side, { events, updateEvery: 5 }, "fold"));
  const head = await logHead(pair);
  if (head !== from + events)
    throw new Error(`expected ${from + events} records in ${pair.topic}, found ${head}`);
  const cpu = readCpu();
  const start = now();
  const first = poke(pair);
  while ((await checkpoint(pair)) < head) {
    if (now() - start > FOLD_LIMIT_MS) throw new Error(`fold not done after ${FOLD_LIMIT_MS} ms`);
    await sleep(FOLD_POLL_MS);
  }
  const eventsPerSecond = (events / (now() - start)) * 1000;
  await first;
  const used = cpuSince(cpu);
  const per1000 = (ms: number) => Math.round((ms / events) * 1000);
  return {
    eventsPerSecond,
    ...(used && {
      cpuPer1000: {
        bench: per1000(used.bench),
        emulators: per1000(used.emulators),
        redis: per1000(used.redis),
        workerd: per1000(used.workerd),
      },
    }),
  };
}

/** Events per side folded on each fold pair before anything is timed: an isolate's first fold is slower. */
const FOLD_WARM_UP = 1000;

async function measureFolds(
  stack: BenchStack,
  pairs: DesignPair[],
  opts: SealingSizes["fold"],
  progress: (message: string) => void,
): Promise<SealingResult["fold"]> {
  const runs: SealingResult["fold"]["runs"] = bySide(() => []);
  for (const [p, pair] of pairs.entries()) {
    const lists = await makeLists(stack, pair);
    for (const side of SIDES)
      await produceBacklog(pair, await backlogOf(lists, side, { events: FOLD_WARM_UP }, "warm"));
    await projectAll(stack, pair);
    const order = p % 2 === 0 ? SIDES : ([...SIDES].reverse() as Side[]);
    await interleave(opts.rounds, order, async (side, round) => {
      progress(
        `sealing: fold of ${opts.events} events, ${side}, pair ${p + 1}/${pairs.length}, round ${round + 1}`,
      );
      runs[side].push(await foldOne(pair, side, opts.events, lists));
      await quiesce(stack, pair);
    });
  }
  return { events: opts.events, runs };
}

const foldRate = (fold: SealingResult["fold"], side: Side) =>
  median(fold.runs[side].map((r) => r.eventsPerSecond));

/** Runs the scenario with `pairs` (ours, each fresh) and closes them. */
export async function measureSealing(
  stack: BenchStack,
  pairs: SealingPairs,
  sizes: SealingSizes,
  progress: (message: string) => void,
): Promise<SealingResult> {
  try {
    progress("sealing: createTask on a sealed list, a named clear list and the default list");
    const create = await measureCreates(stack, pairs.create, sizes.create);
    progress("sealing: the same creates, each with an idempotency key");
    const createKeyed = await measureCreates(stack, pairs.create, sizes.create, true);
    progress(`sealing: reading ${sizes.list.tasks} tasks of each`);
    const list = await measureLists(stack, pairs.list, sizes.list);
    const fold = await measureFolds(stack, pairs.folds, sizes.fold, progress);
    const against = (other: Side): Ratios => ({
      create_p50: create.sealed.p50 / create[other].p50,
      create_keyed_p50: createKeyed.sealed.p50 / createKeyed[other].p50,
      list_p50: list.sealed.p50 / list[other].p50,
      fold_events_per_s: foldRate(fold, "sealed") / foldRate(fold, other),
    });
    return { create, createKeyed, list, fold, ratios: against("clear"), ratiosToNamed: against("named") };
  } finally {
    await Promise.all([pairs.create, pairs.list, ...pairs.folds].map((p) => p.close()));
  }
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const rate = (n: number) => `${Math.round(n).toLocaleString("en-US")}/s`;
const x = (n: number) => n.toFixed(2);

/** The scenario as a Markdown section, naming the event log it ran on. */
export function renderSealing(r: SealingResult, eventLog: EventLogBackend = "upstash-kafka"): string {
  const cpu = (c: CostPerOp) => (c.cpu ? c.cpu.workerd.toFixed(1) : "–");
  const cpus = (costs: Record<Side, CostPerOp>) => SIDES.map((side) => cpu(costs[side])).join(" / ");
  const foldCpu = (side: Side) => {
    const all = r.fold.runs[side].flatMap((run) => (run.cpuPer1000 ? [run.cpuPer1000.workerd] : []));
    return all.length ? `${median(all)}` : "–";
  };
  const met = (ok: boolean) => (ok ? "yes" : "**no**");
  const q = r.ratios;
  const n = r.ratiosToNamed;
  const tasks = r.list.tasks.toLocaleString("en-US");
  const row = (
    what: string,
    v: Record<Side, string>,
    toClear: number,
    toNamed: number,
    target = "",
    cpuText = "",
  ) =>
    `| ${what} | ${v.sealed} | ${v.named} | ${v.clear} | ${x(toClear)} | ${x(toNamed)} | ${target} | ${cpuText} |`;
  const lat = (s: Record<Side, Summary>, pick: "p50" | "p99") => bySide((side) => ms(s[side][pick]));
  return [
    "",
    `### Sealing: a named list's words sealed, against a named list's in the clear and the default list's (ours, on ${eventLog})`,
    "",
    "| scenario | sealed list | named list, clear | default list | sealed ÷ default | sealed ÷ named | ≤ 10 % (sealed ÷ default)? | workerd CPU ms per op: sealed / named / default |",
    "|---|---:|---:|---:|---:|---:|---|---:|",
    row(
      `createTask p50, concurrency 1 (n = ${r.create.sealed.n} each)`,
      lat(r.create, "p50"),
      q.create_p50,
      n.create_p50,
      met(q.create_p50 <= 1.1),
      cpus(r.create.cost),
    ),
    row(
      "createTask p99",
      lat(r.create, "p99"),
      r.create.sealed.p99 / r.create.clear.p99,
      r.create.sealed.p99 / r.create.named.p99,
    ),
    row(
      `createTask p50 with an idempotency key (n = ${r.createKeyed.sealed.n} each)`,
      lat(r.createKeyed, "p50"),
      q.create_keyed_p50,
      n.create_keyed_p50,
      met(q.create_keyed_p50 <= 1.1),
      cpus(r.createKeyed.cost),
    ),
    row(
      `list p50, ${tasks} tasks in pages of 500 (n = ${r.list.sealed.n} each)`,
      lat(r.list, "p50"),
      q.list_p50,
      n.list_p50,
      met(q.list_p50 <= 1.1),
      cpus(r.list.cost),
    ),
    row(
      `list p99, ${tasks} tasks`,
      lat(r.list, "p99"),
      r.list.sealed.p99 / r.list.clear.p99,
      r.list.sealed.p99 / r.list.named.p99,
    ),
    row(
      `list, first read of ${tasks} tasks (one sample each; nothing opened yet)`,
      bySide((side) => ms(r.list.firstMs[side])),
      r.list.firstMs.sealed / r.list.firstMs.clear,
      r.list.firstMs.sealed / r.list.firstMs.named,
    ),
    row(
      `fold, ${r.fold.events.toLocaleString("en-US")}-event backlogs (events/s, median of ${r.fold.runs.sealed.length} each)`,
      bySide((side) => rate(foldRate(r.fold, side))),
      q.fold_events_per_s,
      n.fold_events_per_s,
      met(q.fold_events_per_s >= 0.9),
      `${SIDES.map(foldCpu).join(" / ")} per 1,000 events`,
    ),
    "",
  ].join("\n");
}

/** The scenario as the `sealing` section of latest.json. */
export function sealingJson(r: SealingResult) {
  const round3 = (v: number) => Math.round(v * 1000) / 1000;
  const rounded = (q: Ratios) => ({
    create_p50: round3(q.create_p50),
    create_keyed_p50: round3(q.create_keyed_p50),
    list_p50: round3(q.list_p50),
    fold_events_per_s: round3(q.fold_events_per_s),
  });
  return {
    ratios: rounded(r.ratios),
    ratios_to_named: rounded(r.ratiosToNamed),
    target:
      "sealed ÷ default ≤ 1.10 for times, ≥ 0.90 for the fold's rate (at most 10 % more time, 10 % fewer events/s)",
    results: r,
  };
}
