/**
 * Runs the Kafka REST emulator alone, as its own process:
 *
 *   tsx local/kafka/main.ts --port 8082 --data .local/kafka --username U --password P [--partitions 1]
 *                           [--host 127.0.0.1] [--max-fetch 500]
 *
 * Prints exactly one line on stdout once listening (`kafka emulator listening on <url> pid=<pid> data=<dir>`;
 * the pid is the Node process that owns the data, which under tsx is not the tsx wrapper). Recovery notes and
 * errors go to stderr. SIGINT/SIGTERM close it cleanly: in-flight appends are made durable first.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startKafkaEmulator } from "./rest";

const USAGE =
  "usage: tsx local/kafka/main.ts --data DIR --username U --password P [--port 8082] [--host H] [--partitions N] [--max-fetch N]";

function fail(message: string): never {
  console.error(`kafka emulator: ${message}\n${USAGE}`);
  process.exit(2);
}

function positiveInteger(raw: string | undefined, name: string, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min) fail(`--${name} must be an integer >= ${min}, got ${raw}`);
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        data: { type: "string" },
        username: { type: "string" },
        password: { type: "string" },
        partitions: { type: "string" },
        "max-fetch": { type: "string" },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  const { data, username, password } = values;
  if (!data) fail("--data is required");
  if (!username) fail("--username is required");
  if (password === undefined) fail("--password is required");
  const dataDir = resolve(data);
  const emulator = await startKafkaEmulator({
    port: positiveInteger(values.port, "port", 8082, 0),
    host: values.host,
    username,
    password,
    dataDir,
    defaultPartitions: positiveInteger(values.partitions, "partitions", 1, 1),
    maxFetchRecords: positiveInteger(values["max-fetch"], "max-fetch", 500, 1),
  });
  process.stdout.write(`kafka emulator listening on ${emulator.url} pid=${process.pid} data=${dataDir}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`kafka emulator: error while stopping on ${signal}:`, err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error("kafka emulator failed to start:", err);
  process.exit(1);
});
