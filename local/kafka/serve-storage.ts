/**
 * Serving the Kafka emulator's durable storage through an emulator shell: the Kafka REST emulator and the Redpanda
 * HTTP Proxy emulator both do it. The shell gets a `/__emulator/storage` admin route (topics and fsync counters);
 * the storage closes if the shell cannot start, and with the shell.
 */
import {
  type EmulatorOptions,
  json,
  type ListenOptions,
  type RunningEmulator,
  startEmulator,
} from "../common/emulator";
import type { KafkaStorage } from "./storage";

export type RunningStorageEmulator = RunningEmulator & {
  dataDir: string;
  /** The live storage, for tests and benchmarks (e.g. `storage.stats()` shows group commit at work). */
  storage: KafkaStorage;
};

export async function serveStorage(
  storage: KafkaStorage,
  dataDir: string,
  shell: Omit<EmulatorOptions, "admin">,
  listen: ListenOptions,
  /** What else to close after the shell and the storage (the Kafka emulator's consumer groups). */
  closeAlso: () => Promise<void> = async () => {},
): Promise<RunningStorageEmulator> {
  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator(
      {
        ...shell,
        admin: (req, sub) =>
          sub === "storage" && req.method === "GET"
            ? json(200, { topics: storage.topicPartitionCounts(), ...storage.stats() })
            : undefined,
      },
      listen,
    );
  } catch (err) {
    await storage.close();
    await closeAlso();
    throw err;
  }
  return {
    ...emulator,
    dataDir,
    storage,
    async close() {
      await emulator.close();
      await storage.close();
      await closeAlso();
    },
  };
}
