/**
 * The Kafka REST emulator as its own process (`local/kafka/main.ts`, see emulator-process.ts), for tests that kill
 * it: started on a port and data folder of the caller's choosing, so a restart after `kill -9` serves the same log
 * at the same URL.
 */
import { type EmulatorProcess, startEmulatorProcess } from "./emulator-process";

export interface KafkaProcessOptions {
  port: number;
  dataDir: string;
  username: string;
  password: string;
  /** Partitions of a topic created by its first produce (the emulator's default otherwise). */
  partitions?: number;
}

export type KafkaProcess = EmulatorProcess;

/** Starts the emulator and resolves once it prints its ready line; rejects if it exits first. */
export function startKafkaProcess(options: KafkaProcessOptions): Promise<KafkaProcess> {
  const args = ["--port", String(options.port), "--data", options.dataDir];
  if (options.partitions !== undefined) args.push("--partitions", String(options.partitions));
  args.push("--username", options.username, "--password", options.password);
  return startEmulatorProcess("local/kafka/main.ts", args);
}
