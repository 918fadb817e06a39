/**
 * The set-up every Kafka REST contract test file shares: one emulator on a free port for the whole file,
 * its data in a temporary folder, and an unmodified `@upstash/kafka` client of it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka } from "@upstash/kafka";
import { afterAll, beforeAll } from "vitest";
import {
  type KafkaEmulatorOptions,
  type RunningKafkaEmulator,
  startKafkaEmulator,
} from "../../../local/kafka/rest";
import { started } from "./started";

export type KafkaFixtureOptions = Omit<KafkaEmulatorOptions, "port" | "host" | "dataDir"> & {
  /** Names the data folder (`<name>-XXXXXX` under the OS temp folder). */
  name: string;
};

export interface KafkaFixture {
  /** The file's emulator. */
  readonly emulator: RunningKafkaEmulator;
  /** A client of the emulator with the file's credentials. */
  readonly kafka: Kafka;
}

/** Registers the hooks: starts the emulator (port 0) before the file's tests; closes it and removes its data after. */
export function useKafka(options: KafkaFixtureOptions): KafkaFixture {
  const { name, ...emulatorOptions } = options;
  let emulator: RunningKafkaEmulator | undefined;
  let kafka: Kafka | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `${name}-`));
    emulator = await startKafkaEmulator({ port: 0, ...emulatorOptions, dataDir: dir });
    kafka = new Kafka({ url: emulator.url, username: options.username, password: options.password });
  });

  afterAll(async () => {
    await emulator?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  return {
    get emulator() {
      return started(emulator, "the Kafka emulator");
    },
    get kafka() {
      return started(kafka, "the Kafka client");
    },
  };
}

/** The `Authorization` value of HTTP Basic auth with these credentials (UTF-8 bytes, base64). */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}
