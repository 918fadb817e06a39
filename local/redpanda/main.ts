/**
 * Runs the Redpanda HTTP Proxy emulator alone, as its own process:
 *
 *   tsx local/redpanda/main.ts --data .local/redpanda --username U --password P [--port 8083] [--host H]
 *                              [--partitions 1] [--topics a,b] [--no-auto-create] [--max-batch-bytes N]
 *
 * Prints exactly one line on stdout once listening (`redpanda emulator listening on <url> pid=<pid> data=<dir>`;
 * the pid is the Node process that owns the data, which under tsx is not the tsx wrapper). Recovery notes and
 * errors go to stderr. SIGINT/SIGTERM close it cleanly: in-flight produces are made durable first.
 * A bad command line exits with code 2 and the usage line.
 */
import { resolve } from "node:path";
import { type Cli, parseFlags, portFlag, runMain, stopOnSignals, usageError } from "../common/cli";
import { startRedpandaEmulator } from "./rest";

const CLI: Cli = {
  name: "redpanda emulator",
  usage:
    "usage: tsx local/redpanda/main.ts --data DIR --username U --password P [--port 8083] [--host H] [--partitions N] [--topics a,b] [--no-auto-create] [--max-batch-bytes N]",
};

function positiveInteger(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1) usageError(CLI, `--${name} must be an integer >= 1, got ${raw}`);
  return n;
}

async function main(): Promise<void> {
  const values = parseFlags(CLI, {
    port: { type: "string" },
    host: { type: "string" },
    data: { type: "string" },
    username: { type: "string" },
    password: { type: "string" },
    partitions: { type: "string" },
    topics: { type: "string" },
    "no-auto-create": { type: "boolean" },
    "max-batch-bytes": { type: "string" },
  });
  const { data, username, password } = values;
  if (!data) usageError(CLI, "--data is required");
  if (!username) usageError(CLI, "--username is required");
  if (password === undefined) usageError(CLI, "--password is required");
  const dataDir = resolve(data);
  const emulator = await startRedpandaEmulator({
    port: portFlag(CLI, "--port", values.port, 8083),
    host: values.host,
    username,
    password,
    dataDir,
    defaultPartitions: positiveInteger(values.partitions, "partitions", 1),
    topics: values.topics ? values.topics.split(",").filter((t) => t !== "") : [],
    autoCreateTopics: values["no-auto-create"] !== true,
    maxBatchBytes: positiveInteger(values["max-batch-bytes"], "max-batch-bytes", 1024 * 1024),
  });
  process.stdout.write(`redpanda emulator listening on ${emulator.url} pid=${process.pid} data=${dataDir}\n`);

  stopOnSignals(CLI, () => emulator.close());
}

runMain(CLI, main);
