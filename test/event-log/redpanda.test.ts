/**
 * The event log contract against the Redpanda adapter, over the Redpanda HTTP Proxy emulator run as its own
 * process (so that the crash test can kill it and start it again on the same data).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../local/common/ports";
import { createRedpandaEventLog, MAX_RECORD_BYTES } from "../../shared/event-log/redpanda";
import type { EmulatorProcess } from "../support/emulator-process";
import { startRedpandaProcess } from "../support/redpanda-process";
import { eventLogContract, type LogSubject } from "./contract";

const USERNAME = "contract-redpanda";
const PASSWORD = "contract-redpanda-password";
/** Kafka topics have a fixed partition count: every topic is created with the most any test opens it with. */
const MAX_PARTITIONS = 3;

eventLogContract("redpanda", async (): Promise<LogSubject> => {
  const dataDir = await mkdtemp(join(tmpdir(), "log-contract-redpanda-"));
  const port = await freePort();
  const startEngine = () =>
    startRedpandaProcess({
      port,
      dataDir,
      username: USERNAME,
      password: PASSWORD,
      partitions: MAX_PARTITIONS,
    });
  let engine: EmulatorProcess = await startEngine();
  const url = engine.url;
  return {
    emulatorUrl: url,
    largestRecordBytes: MAX_RECORD_BYTES,
    appendsTo: (topic) => ({ path: `/topics/${topic}` }),
    timestamps: false,
    open: (topic, options = {}) =>
      createRedpandaEventLog({
        url,
        username: USERNAME,
        password: options.wrongCredentials ? "not-the-password" : PASSWORD,
        topic,
        partitions: options.partitions ?? 1,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      }),
    async crash() {
      await engine.kill9();
      engine = await startEngine();
    },
    async close() {
      await engine.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
