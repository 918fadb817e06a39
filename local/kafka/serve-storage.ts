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
import { KafkaStorage } from "./storage";

/** What every emulator over this storage is started with. */
export interface StorageEmulatorOptions extends ListenOptions {
  /** Basic-auth credentials every request must carry. */
  username: string;
  password: string;
  /** Where topics live (`<topic>/meta.json`, `<topic>/<partition>.log`); the emulator's alone. */
  dataDir: string;
  /** Partitions of a topic created by a produce. Default 1. */
  defaultPartitions?: number;
  /** Longest long-poll a request may ask for, in ms. Default 30 000. */
  maxTimeoutMs?: number;
  /** Where recovery and I/O problems are reported, one line each. Default: stderr. */
  log?: (line: string) => void;
}

export type RunningStorageEmulator = RunningEmulator & {
  dataDir: string;
  /** The live storage, for tests and benchmarks (e.g. `storage.stats()` shows group commit at work). */
  storage: KafkaStorage;
};

/**
 * Opens the storage an emulator serves: topics created by a produce get `defaultPartitions` (default 1, a
 * positive integer); recovery and I/O problems go to `log` (default stderr).
 */
export function openStorage(
  opts: Pick<StorageEmulatorOptions, "dataDir" | "defaultPartitions" | "log">,
): Promise<KafkaStorage> {
  const defaultPartitions = opts.defaultPartitions ?? 1;
  if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) {
    throw new Error(`defaultPartitions must be a positive integer, got ${defaultPartitions}`);
  }
  return KafkaStorage.open({
    dataDir: opts.dataDir,
    defaultPartitions,
    log: opts.log ?? ((line) => console.error(line)),
  });
}

/** Serves `storage` through the emulator `shell`, listening where `opts` says. */
export async function serveStorage(
  storage: KafkaStorage,
  opts: Pick<StorageEmulatorOptions, "dataDir" | "port" | "host">,
  /** The emulator's name, request handler and error body; its router names the endpoint each request is counted under. */
  shell: Omit<EmulatorOptions, "admin" | "endpoint"> & {
    matchRoute: (method: string, rawPath: string) => { name: string };
  },
  /** What else to close after the shell and the storage (the Kafka emulator's consumer groups). */
  closeAlso: () => Promise<void> = async () => {},
): Promise<RunningStorageEmulator> {
  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator(
      {
        ...shell,
        endpoint: (req) => shell.matchRoute(req.method, req.rawPath).name,
        admin: (req, sub) =>
          sub === "storage" && req.method === "GET"
            ? json(200, { topics: storage.topicPartitionCounts(), ...storage.stats() })
            : undefined,
      },
      opts,
    );
  } catch (err) {
    await storage.close();
    await closeAlso();
    throw err;
  }
  return {
    ...emulator,
    dataDir: opts.dataDir,
    storage,
    async close() {
      await emulator.close();
      await storage.close();
      await closeAlso();
    },
  };
}
