/**
 * Runs the Kafka REST emulator alone, as its own process:
 *
 *   tsx local/kafka/main.ts --port 8082 --data .local/kafka --username U --password P [--partitions 1]
 *                           [--host 127.0.0.1] [--max-fetch 500]
 *
 * Prints one ready line on stdout (see `runStorageEmulator`); recovery notes and errors go to stderr.
 * A bad command line exits with code 2 and the usage line.
 */
import { integerFlag, runStorageEmulator } from "../common/cli";
import { startKafkaEmulator } from "./rest";

const CLI = {
  name: "kafka emulator",
  usage:
    "usage: tsx local/kafka/main.ts --data DIR --username U --password P [--port 8082] [--host H] [--partitions N] [--max-fetch N]",
};

runStorageEmulator(CLI, 8082, { "max-fetch": { type: "string" } }, (args, values) =>
  startKafkaEmulator({ ...args, maxFetchRecords: integerFlag(CLI, "max-fetch", values["max-fetch"], 500) }),
);
