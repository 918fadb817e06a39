/**
 * A contract subject for an engine the tests run as its own process (the Kafka and Redpanda emulators): on a
 * fresh data folder and free port, with fixed credentials, restarted on the same data by `crash()`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../local/common/ports";
import type { EventLog } from "../../shared/event-log/port";
import type { UpstashKafkaConfig } from "../../shared/event-log/upstash-kafka/event-log";
import type { EmulatorProcess } from "../support/emulator-process";
import type { LogSubject } from "./contract";
import { emulatorFaults } from "./emulator-faults";

/** Kafka topics have a fixed partition count: every topic is created with the most any test opens it with. */
const MAX_PARTITIONS = 3;

export interface ProcessEngine {
  name: string;
  start(options: {
    port: number;
    dataDir: string;
    username: string;
    password: string;
    partitions: number;
  }): Promise<EmulatorProcess>;
  /** The adapter under test over the running engine. */
  adapter(config: Omit<UpstashKafkaConfig, "fetch">): EventLog;
  subject: Pick<LogSubject, "largestRecordBytes" | "timestamps"> & {
    /** How a fault picks a topic's appends out (see emulatorFaults). */
    appendsTo?: (topic: string) => Record<string, unknown>;
  };
}

export async function processSubject(engine: ProcessEngine): Promise<LogSubject> {
  const dataDir = await mkdtemp(join(tmpdir(), `log-contract-${engine.name}-`));
  const port = await freePort();
  const username = `contract-${engine.name}`;
  const password = `contract-${engine.name}-password`;
  const startEngine = () => engine.start({ port, dataDir, username, password, partitions: MAX_PARTITIONS });
  let running = await startEngine();
  const url = running.url;
  return {
    largestRecordBytes: engine.subject.largestRecordBytes,
    ...(engine.subject.timestamps !== undefined && { timestamps: engine.subject.timestamps }),
    ...emulatorFaults(url, engine.subject.appendsTo),
    open: (topic, options = {}) =>
      engine.adapter({
        url,
        username,
        password: options.wrongCredentials ? "not-the-password" : password,
        topic,
        partitions: options.partitions ?? 1,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      }),
    async crash() {
      await running.kill9();
      running = await startEngine();
    },
    async close() {
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
