/**
 * A CPU profile of ours' projector folding a backlog in workerd against the bench's local stack (the emulators and
 * redis-server, as the fold scenario of `npm run bench` runs it): where the projector's time goes with the log's
 * reads and the fold scripts sent, answered and parsed for real, which fold-cpu.ts fakes away. The backlog is the
 * fold scenario's (80 % creates, 20 % completions); after an untimed warm-up fold, one signed poke starts the fold
 * and the projector re-pokes itself through QStash until the head. Prints the CPU per 1,000 events of each process
 * (from /proc) and where workerd's samples fell (see inspector.ts), and writes the profile.
 * The backlog's events are the default list's, or (`named`, `sealed`) a named list's, in the clear or sealed with a
 * key as the command worker seals them (the projector never holds the key: a registered list is not needed).
 * Usage: `npx tsx bench/fold-profile.ts [events] [sampling µs] [event log] [list]` (defaults 20000, 100,
 * upstash-kafka, default).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { freePort } from "../local/common/ports";
import { bundleWorker } from "../local/workerd/bundle";
import { EVENT_LOG_BACKENDS, type EventLogBackend } from "../shared/config/event-log";
import { mintDataKey } from "../shared/lists/cipher";
import {
  type BacklogRecord,
  type BacklogShape,
  buildBacklog,
  buildSealedBacklog,
  produceBacklog,
} from "./backlog";
import { cpuSince, readCpu } from "./cpu";
import { logHead, projectAll, qstashIdle, redisCommand, wakeToHead } from "./emulators";
import { devtools, filesByLine, type Profile, report, workerTarget } from "./inspector";
import { until } from "./measure";
import { startBenchStack, startPair } from "./system";

const ENTRY = "workers/projector/index.ts";
const SAVED = "bench/results/workerd-projector.cpuprofile";
const events = Number(process.argv[2] ?? 20_000);
const samplingUs = Number(process.argv[3] ?? 100);
const eventLog = (process.argv[4] ?? "upstash-kafka") as EventLogBackend;
if (!EVENT_LOG_BACKENDS.includes(eventLog)) {
  throw new Error(`event log must be one of ${EVENT_LOG_BACKENDS.join(", ")}, not ${eventLog}`);
}
if (!Number.isInteger(events) || events < 1000)
  throw new Error("events must be a whole number of 1,000 or more");
const LISTS = ["default", "named", "sealed"] as const;
const list = (process.argv[5] ?? "default") as (typeof LISTS)[number];
if (!LISTS.includes(list)) throw new Error(`list must be one of ${LISTS.join(", ")}, not ${list}`);
const named = { id: "foldProfileListAAAAAAA", key: mintDataKey() };
const backlog = (shape: BacklogShape, label: string): Promise<BacklogRecord[]> | BacklogRecord[] =>
  list === "sealed"
    ? buildSealedBacklog(shape, label, named)
    : buildBacklog("ours", shape, label, list === "named" ? named.id : undefined);

const stack = await startBenchStack(eventLog);
const inspectorPort = await freePort();
const pair = await startPair(stack, "ours", "fold-profile", {}, { projectorInspector: inspectorPort });
try {
  await produceBacklog(pair, await backlog({ events: 2000, updateEvery: 5 }, "fold-profile-warm-up"));
  await projectAll(stack, pair);
  await produceBacklog(pair, await backlog({ events, updateEvery: 5 }, "fold-profile"));
  const head = await logHead(pair);
  const inspector = await devtools(await workerTarget(inspectorPort));
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: samplingUs });
  await inspector.call("Profiler.start");
  const before = readCpu();
  await wakeToHead(pair, head);
  // Watched in Redis, not through the projector's `/status`: requests to the projector would be profiled with the fold.
  await until(
    "the fold to reach the head",
    async () =>
      Number(await redisCommand(stack, ["HGET", `${pair.prefix}:checkpoint`, "0"])) >= head
        ? true
        : undefined,
    { limitMs: 300_000, everyMs: 5 },
  );
  await qstashIdle(stack);
  const used = cpuSince(before);
  const { profile } = (await inspector.call("Profiler.stop")) as { profile: Profile };
  inspector.close();
  if (used) {
    const per1000 = Object.entries(used)
      .map(([process, ms]) => `${process} ${((ms * 1000) / events).toFixed(1)}`)
      .join(", ");
    process.stdout.write(`CPU per 1,000 folded events (/proc, ms, ${eventLog}, ${list} list): ${per1000}\n`);
  }
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(SAVED, JSON.stringify(profile));
  report(profile, filesByLine(await bundleWorker(ENTRY)), {
    ops: events / 1000,
    label: "1,000 folded events",
    samplingUs,
    saved: SAVED,
  });
} finally {
  await pair.close();
  await stack.stop();
}
