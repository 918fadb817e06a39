/**
 * Runs the Kafka REST emulator alone, as its own process:
 *
 *   tsx local/kafka/main.ts --port 8082 --data .local/kafka --username U --password P [--partitions 1]
 *                           [--host 127.0.0.1] [--max-fetch 500]
 *
 * Prints exactly one line on stdout once listening (`kafka emulator listening on <url> pid=<pid> data=<dir>`;
 * the pid is the Node process that owns the data, which under tsx is not the tsx wrapper). Recovery notes and
 * errors go to stderr. SIGINT/SIGTERM close it cleanly: in-flight appends are made durable first.
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
import { startKafkaEmulator } from "./rest";

const CLI: Cli = {
  name: "kafka emulator",
  usage:
    "usage: tsx local/kafka/main.ts --data DIR --username U --password P [--port 8082] [--host H] [--partitions N] [--max-fetch N]",
};

async function main(): Promise<void> {
  const values = parseFlags(CLI, {
    ...STORAGE_FLAGS,
    "max-fetch": { type: "string" },
  });
  const { data, username, password } = storageFlags(CLI, values);
  const dataDir = resolve(data);
  const emulator = await startKafkaEmulator({
    port: portFlag(CLI, "--port", values.port, 8082),
    host: values.host,
    username,
    password,
    dataDir,
    defaultPartitions: integerFlag(CLI, "partitions", values.partitions, 1),
    maxFetchRecords: integerFlag(CLI, "max-fetch", values["max-fetch"], 500),
  });
  process.stdout.write(`kafka emulator listening on ${emulator.url} pid=${process.pid} data=${dataDir}\n`);

  stopOnSignals(CLI, () => emulator.close());
}

runMain(CLI, main);
