/**
 * The local stack in a process of its own, for the benchmarks: the emulators must not share an event loop with
 * the load generator, or work the system does off a request's path (a QStash publish, a delivery) would delay
 * the bench's reading of the answer. Started by bench/system.ts with the state folder as its argument; prints one
 * JSON line `{env}` once every service is up, and stops everything (and removes the state folder) on SIGTERM or
 * when its stdin closes (the bench is gone).
 */
import { rm } from "node:fs/promises";
import { FREE_PORTS, loadStackConfig } from "../local/stack/config";
import { startStack } from "../local/stack/start";

const stateDir = process.argv[2];
if (!stateDir) {
  console.error("usage: stack-process.ts <state folder> [event log backend]");
  process.exit(2);
}

const stack = await startStack(
  loadStackConfig({
    LOCAL_STATE_DIR: stateDir,
    ...FREE_PORTS,
    LOCAL_QSTASH_TIME_SCALE: "0.01",
    EVENT_LOG_PARTITIONS: "1",
    EVENT_LOG: process.argv[3] ?? "upstash-kafka",
  }),
);
process.stdout.write(`${JSON.stringify({ env: stack.env })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  stack
    .stop()
    .then(() => rm(stateDir, { recursive: true, force: true }))
    .finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
