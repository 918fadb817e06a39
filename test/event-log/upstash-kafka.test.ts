/**
 * The event log contract against the Upstash Kafka REST adapter, over the Kafka emulator run as its own process
 * (so that the crash test can kill it and start it again on the same data).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../local/common/ports";
import { createUpstashKafkaEventLog } from "../../shared/event-log/upstash-kafka";
import { type KafkaProcess, startKafkaProcess } from "../support/kafka-process";
import { eventLogContract, type LogSubject } from "./contract";

const USERNAME = "contract-kafka";
const PASSWORD = "contract-kafka-password";
/** Upstash Kafka's documented largest message, and what the adapter is held to here. */
const LARGEST_RECORD_BYTES = 1024 * 1024;
/** Kafka topics have a fixed partition count: every topic is created with the most any test opens it with. */
const MAX_PARTITIONS = 3;

eventLogContract("upstash-kafka", async (): Promise<LogSubject> => {
  const dataDir = await mkdtemp(join(tmpdir(), "log-contract-kafka-"));
  const port = await freePort();
  const startEngine = () =>
    startKafkaProcess({ port, dataDir, username: USERNAME, password: PASSWORD, partitions: MAX_PARTITIONS });
  let engine: KafkaProcess = await startEngine();
  const url = engine.url;
  return {
    emulatorUrl: url,
    largestRecordBytes: LARGEST_RECORD_BYTES,
    open: (topic, options = {}) =>
      createUpstashKafkaEventLog({
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
