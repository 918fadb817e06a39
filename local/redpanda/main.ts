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
import {
  type Cli,
  integerFlag,
  parseFlags,
  portFlag,
  runMain,
  STORAGE_FLAGS,
  stopOnSignals,
  storageFlags,
} from "../common/cli";
import { startRedpandaEmulator } from "./rest";

const CLI: Cli = {
  name: "redpanda emulator",
  usage:
    "usage: tsx local/redpanda/main.ts --data DIR --username U --password P [--port 8083] [--host H] [--partitions N] [--topics a,b] [--no-auto-create] [--max-batch-bytes N]",
};

async function main(): Promise<void> {
  const values = parseFlags(CLI, {
    ...STORAGE_FLAGS,
    topics: { type: "string" },
    "no-auto-create": { type: "boolean" },
    "max-batch-bytes": { type: "string" },
  });
  const { data, username, password } = storageFlags(CLI, values);
  const dataDir = resolve(data);
  const emulator = await startRedpandaEmulator({
    port: portFlag(CLI, "--port", values.port, 8083),
    host: values.host,
    username,
    password,
    dataDir,
    defaultPartitions: integerFlag(CLI, "partitions", values.partitions, 1),
    topics: values.topics ? values.topics.split(",").filter((t) => t !== "") : [],
    autoCreateTopics: values["no-auto-create"] !== true,
    maxBatchBytes: integerFlag(CLI, "max-batch-bytes", values["max-batch-bytes"], 1024 * 1024),
  });
  process.stdout.write(`redpanda emulator listening on ${emulator.url} pid=${process.pid} data=${dataDir}\n`);

  stopOnSignals(CLI, () => emulator.close());
}

runMain(CLI, main);
