/**
 * The CPU the projector's fold spends per event, in process, through its real code path: the catch-up
 * (workers/projector/fold/catch-up.ts) reading an in-memory log, decoding and folding each batch
 * (shared/projection/fold.ts, codec.ts) and applying it with the Redis fold sink (fold-sink.ts) through the real
 * Upstash client, whose `fetch` is faked: every script call is answered "applied", every state read "absent", so
 * what is timed is our code and the client's, not the network or Redis. One run folds one invocation's worth of
 * events (the default budget's 20,000) from offset 0, as a long catch-up does.
 *
 * Times are the process's CPU time (the machine may be busy), the median and the least of `rounds` runs. With
 * `--against <dir>`, a copy of the repository (e.g. `git archive <commit> shared workers | tar -x -C <dir>`) is run
 * too, alternating with this checkout and the order flipped every round, so the two are compared under the same
 * load. With `--workerd`, each side runs in workerd instead (fold-cpu-worker.ts, bundled from its checkout, in
 * Miniflare), timed by workerd's CPU from `/proc` (Linux only; 10 ms ticks). With `--sealed`, the backlog is a named
 * list's, its texts sealed with a fresh key as the command worker seals them; with `--named`, a named list's in the
 * clear (as a list minted before lists had keys); the default list's otherwise.
 * Usage: `npx tsx bench/fold-cpu.ts [events] [rounds] [--against <dir>] [--workerd] [--sealed | --named]`.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { Miniflare } from "miniflare";
import { bundleWorker } from "../local/workerd/bundle";
import { mintDataKey } from "../shared/lists/cipher";
import { buildBacklog, buildSealedBacklog } from "./backlog";
import { cpuSince, readCpu } from "./cpu";

const args = process.argv.slice(2);
const workerd = args.includes("--workerd");
if (workerd) args.splice(args.indexOf("--workerd"), 1);
const sealed = args.includes("--sealed");
if (sealed) args.splice(args.indexOf("--sealed"), 1);
const named = args.includes("--named");
if (named) args.splice(args.indexOf("--named"), 1);
if (sealed && named) throw new Error("--sealed and --named are two backlogs: give one");
const againstAt = args.indexOf("--against");
const against = againstAt >= 0 ? args.splice(againstAt, 2)[1] : undefined;
const events = Number(args[0] ?? 20_000);
const rounds = Number(args[1] ?? 15);

/** What one side needs of a checkout, loaded from its own files. */
async function load(root: string) {
  const [catchUpModule, budget, logs, sink, client] = await Promise.all([
    import(`${root}/workers/projector/fold/catch-up.ts`),
    import(`${root}/workers/projector/fold/budget.ts`),
    import(`${root}/shared/event-log/memory/event-log.ts`),
    import(`${root}/shared/projection/redis/fold-sink.ts`),
    import(`${root}/shared/redis/client.ts`),
  ]);
  return {
    catchUp: catchUpModule.catchUp as typeof import("../workers/projector/fold/catch-up").catchUp,
    DEFAULT_BUDGET: budget.DEFAULT_BUDGET as typeof import("../workers/projector/fold/budget").DEFAULT_BUDGET,
    createMemoryLogs:
      logs.createMemoryLogs as typeof import("../shared/event-log/memory/event-log").createMemoryLogs,
    createRedisFoldSink:
      sink.createRedisFoldSink as typeof import("../shared/projection/redis/fold-sink").createRedisFoldSink,
    connectRedis: client.connectRedis as typeof import("../shared/redis/client").connectRedis,
  };
}
type Side = Awaited<ReturnType<typeof load>>;

/**
 * Upstash's REST API, faked: a script call (EVALSHA) is answered as APPLY_BATCH answers an applied batch (the
 * catch-up takes its checkpoint from the batch, not the answer), HMGET with nulls (every state absent). A script
 * call's body is counted, not parsed.
 */
let sentBytes = 0;
globalThis.fetch = async (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const body = typeof init?.body === "string" ? init.body : "";
  sentBytes += body.length;
  // The client's auto-pipeline sends each call here as a pipeline of one (it would merge calls made together, and
  // the fold makes one at a time: a pipeline of more would find answers missing and fail the run).
  if (body.startsWith('[["evalsha"')) return new Response('[{"result":[1,0]}]');
  if (!body.startsWith('[["hmget"')) throw new Error(`unexpected request ${body.slice(0, 40)}`);
  // HMGET key id...: one null per id (a small request: ids only).
  const [command] = JSON.parse(body) as string[][];
  return new Response(JSON.stringify([{ result: new Array((command?.length ?? 2) - 2).fill(null) }]));
};

const quiet = { info() {}, error() {}, with: () => quiet };
const lease = {
  claim: async () => ({ claimed: true as const, checkpoint: 0 }),
  finish: async () => "done" as const,
  drop: async () => {},
};

const shape = { events, updateEvery: 5 };
const records = sealed
  ? await buildSealedBacklog(shape, "fold", { id: "benchListIdAAAAAAAAAAA", key: mintDataKey() })
  : buildBacklog("ours", shape, "fold", named ? "benchNamedIdAAAAAAAAAA" : undefined);

/** Folds the whole backlog from offset 0 in one catch-up; answers the events it applied. */
async function foldOnce(side: Side, log: Awaited<ReturnType<typeof logOf>>): Promise<number> {
  const redis = side.connectRedis({ url: "https://redis.invalid", token: "bench", timeoutMs: 60_000 });
  const store = side.createRedisFoldSink(redis, "bench");
  const budget = {
    ...side.DEFAULT_BUDGET,
    maxEvents: events + 1,
    maxMillis: 3_600_000,
    maxSubrequests: 10_000,
  };
  const result = await side.catchUp({ log, store, lease, logger: quiet, start: 0 }, budget);
  const applied = result.partitions[0]?.applied ?? 0;
  if (!result.caughtUp || applied !== events)
    throw new Error(`folded ${applied} of ${events}: ${JSON.stringify(result)}`);
  return applied;
}

async function logOf(side: Side) {
  const log = side.createMemoryLogs().open("bench", { partitions: 1 });
  for (const r of records) await log.append(r.key, [r.value]);
  return log;
}

const roots: Record<string, string> = { "this checkout": resolve(import.meta.dirname, "..") };
if (against) roots.against = resolve(against);
const names = Object.keys(roots);
/** Per side, one run's CPU in µs: in this process, or in workerd. */
async function runners(): Promise<Map<string, () => Promise<number>>> {
  const run = new Map<string, () => Promise<number>>();
  if (!workerd) {
    for (const name of names) {
      const side = await load(roots[name] ?? "");
      const log = await logOf(side);
      run.set(name, async () => {
        sentBytes = 0;
        const start = process.cpuUsage();
        await foldOnce(side, log);
        const used = process.cpuUsage(start);
        bytes.set(name, sentBytes);
        return used.user + used.system;
      });
    }
    return run;
  }
  const own = resolve(import.meta.dirname, "fold-cpu-worker.ts");
  const scripts = await Promise.all(
    names.map((name) => {
      const entry = resolve(roots[name] ?? "", "bench", "fold-cpu-worker.ts");
      if (entry !== own) {
        mkdirSync(resolve(entry, ".."), { recursive: true });
        copyFileSync(own, entry);
      }
      return bundleWorker(entry);
    }),
  );
  const body = JSON.stringify(records);
  for (const [i, name] of names.entries()) {
    // One Miniflare per side (its own workerd), disposed by `done`.
    // The projector's compatibility date (wrangler.projector.toml).
    const mf = new Miniflare({ modules: true, script: scripts[i] ?? "", compatibilityDate: "2025-09-01" });
    disposals.push(() => mf.dispose());
    await (await mf.dispatchFetch("http://bench/", { method: "PUT", body })).text();
    run.set(name, async () => {
      const start = readCpu();
      const applied = await (await mf.dispatchFetch("http://bench/")).text();
      const used = cpuSince(start);
      if (applied !== String(events)) throw new Error(`${name}: folded ${applied} of ${events}`);
      if (!used) throw new Error("workerd's CPU is read from /proc: Linux only");
      return used.workerd * 1000;
    });
  }
  return run;
}

const times = new Map<string, number[]>(names.map((n) => [n, []]));
const bytes = new Map<string, number>();
const disposals: Array<() => Promise<void>> = [];
const run = await runners();
for (let round = 0; round < rounds + 3; round++) {
  for (const name of round % 2 ? [...names].reverse() : names) {
    const us = await run.get(name)?.();
    // The first rounds warm the JIT up and are not counted.
    if (round >= 3 && us !== undefined) times.get(name)?.push(us);
  }
}
await Promise.all(disposals.map((dispose) => dispose()));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
const perEvent = (us: number) => `${(us / events).toFixed(2)} µs`;
for (const name of names) {
  const t = times.get(name) ?? [];
  console.log(
    `${name.padEnd(14)} CPU per event: median ${perEvent(median(t))}, least ${perEvent(Math.min(...t))}; ` +
      (workerd ? "in workerd" : `${((bytes.get(name) ?? 0) / events).toFixed(0)} request bytes/event`),
  );
}
if (against) {
  const ratio = (pick: (v: number[]) => number) =>
    (pick(times.get(names[0] ?? "") ?? []) / pick(times.get("against") ?? [])).toFixed(2);
  console.log(`this checkout ÷ against: median ${ratio(median)}, least ${ratio((v) => Math.min(...v))}`);
}
