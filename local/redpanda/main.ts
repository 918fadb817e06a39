/**
 * Runs the Redpanda HTTP Proxy emulator alone, as its own process:
 *
 *   tsx local/redpanda/main.ts --data .local/redpanda --username U --password P [--port 8083] [--host H]
 *                              [--partitions 1] [--topics a,b] [--no-auto-create] [--max-batch-bytes N]
 *
 * Prints one ready line on stdout (see `runStorageEmulator`); recovery notes and errors go to stderr.
 * A bad command line exits with code 2 and the usage line.
 */
import { integerFlag, runStorageEmulator } from "../common/cli";
import { startRedpandaEmulator } from "./rest";

const CLI = {
  name: "redpanda emulator",
  usage:
    "usage: tsx local/redpanda/main.ts --data DIR --username U --password P [--port 8083] [--host H] [--partitions N] [--topics a,b] [--no-auto-create] [--max-batch-bytes N]",
};

const FLAGS = {
  topics: { type: "string" },
  "no-auto-create": { type: "boolean" },
  "max-batch-bytes": { type: "string" },
} as const;

runStorageEmulator(CLI, 8083, FLAGS, (args, values) =>
  startRedpandaEmulator({
    ...args,
    topics: values.topics ? values.topics.split(",").filter((t) => t !== "") : [],
    autoCreateTopics: values["no-auto-create"] !== true,
    maxBatchBytes: integerFlag(CLI, "max-batch-bytes", values["max-batch-bytes"], 1024 * 1024),
  }),
);
