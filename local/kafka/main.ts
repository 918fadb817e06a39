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
import { type Cli, parseFlags, portFlag, runMain, stopOnSignals, usageError } from "../common/cli";
import { startKafkaEmulator } from "./rest";

const CLI: Cli = {
  name: "kafka emulator",
  usage:
    "usage: tsx local/kafka/main.ts --data DIR --username U --password P [--port 8082] [--host H] [--partitions N] [--max-fetch N]",
};

function positiveInteger(raw: string | undefined, name: string, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min) usageError(CLI, `--${name} must be an integer >= ${min}, got ${raw}`);
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
    "max-fetch": { type: "string" },
  });
  const { data, username, password } = values;
  if (!data) usageError(CLI, "--data is required");
  if (!username) usageError(CLI, "--username is required");
  if (password === undefined) usageError(CLI, "--password is required");
  const dataDir = resolve(data);
  const emulator = await startKafkaEmulator({
    port: portFlag(CLI, "--port", values.port, 8082),
    host: values.host,
    username,
    password,
    dataDir,
    defaultPartitions: positiveInteger(values.partitions, "partitions", 1, 1),
    maxFetchRecords: positiveInteger(values["max-fetch"], "max-fetch", 500, 1),
  });
  process.stdout.write(`kafka emulator listening on ${emulator.url} pid=${process.pid} data=${dataDir}\n`);

  stopOnSignals(CLI, () => emulator.close());
}

runMain(CLI, main);
