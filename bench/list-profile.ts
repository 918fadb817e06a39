/**
 * A CPU profile of ours' command worker reading a whole list page by page in workerd, against the bench's local
 * stack: where a list read's time goes in the isolate (the page script's answer parsed, the states decoded, sealed
 * words opened, GraphQL's execution and the answer's encoding). The list is the default list, a named list in the
 * clear or a sealed one (`list`), its `tasks` tasks folded from a backlog first; after warm-up reads, `reads` reads
 * are profiled. Prints the CPU per read of each process (from /proc) and where workerd's samples fell (inspector.ts).
 * Usage: `npx tsx bench/list-profile.ts [tasks] [reads] [sampling µs] [list]` (defaults 1000, 200, 50, default).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { freePort } from "../local/common/ports";
import { bundleWorker } from "../local/workerd/bundle";
import { buildBacklog, buildSealedBacklog, produceBacklog } from "./backlog";
import { createList, listPages } from "./client";
import { cpuSince, readCpu } from "./cpu";
import { projectAll, redisCommand } from "./emulators";
import { devtools, filesByLine, type Profile, report, workerTarget } from "./inspector";
import { startBenchStack, startPair } from "./system";

const ENTRY = "workers/command/index.ts";
const SAVED = "bench/results/workerd-list.cpuprofile";
const tasks = Number(process.argv[2] ?? 1000);
const reads = Number(process.argv[3] ?? 200);
const samplingUs = Number(process.argv[4] ?? 50);
const LISTS = ["default", "named", "sealed"] as const;
const list = (process.argv[5] ?? "default") as (typeof LISTS)[number];
if (!LISTS.includes(list)) throw new Error(`list must be one of ${LISTS.join(", ")}, not ${list}`);
if (!Number.isInteger(tasks) || tasks < 1) throw new Error("tasks must be a whole number");

const stack = await startBenchStack();
const inspectorPort = await freePort();
const pair = await startPair(stack, "ours", "list-profile", {}, { commandInspector: inspectorPort });
try {
  let listId: string | undefined;
  if (list !== "default") {
    listId = await createList(pair, "list profile");
    const key = String(await redisCommand(stack, ["HGET", `${pair.prefix}:list-meta:${listId}`, "key"]));
    if (list === "named")
      await redisCommand(stack, ["HSET", `${pair.prefix}:list-meta:${listId}`, "key", ""]);
    const shape = { events: tasks };
    await produceBacklog(
      pair,
      list === "sealed"
        ? await buildSealedBacklog(shape, "profiled", { id: listId, key })
        : buildBacklog("ours", shape, "profiled", listId),
    );
  } else {
    await produceBacklog(pair, buildBacklog("ours", { events: tasks }, "profiled"));
  }
  await projectAll(stack, pair);
  const { tasks: read } = await listPages(pair, listId);
  if (read.length !== tasks) throw new Error(`read ${read.length} tasks of ${tasks}`);
  for (let i = 0; i < 50; i++) await listPages(pair, listId);
  const inspector = await devtools(await workerTarget(inspectorPort));
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: samplingUs });
  await inspector.call("Profiler.start");
  const before = readCpu();
  for (let i = 0; i < reads; i++) await listPages(pair, listId);
  const used = cpuSince(before);
  const { profile } = (await inspector.call("Profiler.stop")) as { profile: Profile };
  inspector.close();
  if (used) {
    const perRead = Object.entries(used)
      .map(([process, ms]) => `${process} ${(ms / reads).toFixed(2)}`)
      .join(", ");
    process.stdout.write(`CPU per read of ${tasks} tasks (/proc, ms, ${list} list): ${perRead}\n`);
  }
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(SAVED, JSON.stringify(profile));
  report(profile, filesByLine(await bundleWorker(ENTRY)), {
    ops: reads,
    label: `read of ${tasks} tasks`,
    samplingUs,
    saved: SAVED,
  });
} finally {
  await pair.close();
  await stack.stop();
}
