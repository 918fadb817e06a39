/**
 * The set-up every QStash contract test file shares: one emulator on a free port for the whole file, an
 * unmodified `@upstash/qstash` client of it, and recording destinations that live for one test each.
 */
import { Client } from "@upstash/qstash";
import { afterAll, afterEach, beforeAll } from "vitest";
import {
  type QStashEmulatorOptions,
  type RunningQStashEmulator,
  startQStashEmulator,
} from "../../../local/qstash/rest";
import { type RecordingDestination, startRecordingDestination } from "./recording-destination";
import { started } from "./started";

export type QStashFixtureOptions = Omit<QStashEmulatorOptions, "port" | "host"> & {
  /** Extra clean-up after each test, run once deliveries have settled and before its destinations close. */
  cleanUp?: () => Promise<void>;
};

export interface QStashFixture {
  /** The file's emulator. */
  readonly emulator: RunningQStashEmulator;
  /** A client of the emulator holding the file's token. */
  readonly client: Client;
  /** Starts a recording destination that is closed after the current test. */
  destination(): Promise<RecordingDestination>;
  /**
   * A request sent with plain fetch and the file's token (a header in `init` overrides it), so the exact status
   * and body are seen: the status and the parsed JSON body (undefined when empty).
   */
  call(
    method: string,
    path: string,
    init?: { headers?: Record<string, string>; body?: string },
  ): Promise<{ status: number; body: unknown }>;
}

/**
 * Registers the hooks: starts the emulator (port 0) before the file's tests; after each test waits until
 * every delivery has settled, runs `cleanUp` and closes the test's destinations; closes the emulator last.
 */
export function useQStash(options: QStashFixtureOptions): QStashFixture {
  const { cleanUp, ...emulatorOptions } = options;
  let emulator: RunningQStashEmulator | undefined;
  let client: Client | undefined;
  const destinations: RecordingDestination[] = [];

  beforeAll(async () => {
    emulator = await startQStashEmulator({ port: 0, ...emulatorOptions });
    client = new Client({ baseUrl: emulator.url, token: options.token });
  });

  afterEach(async () => {
    await started(emulator, "the QStash emulator").idle();
    await cleanUp?.();
    for (const dest of destinations.splice(0)) await dest.close();
  });

  afterAll(async () => {
    await emulator?.close();
  });

  return {
    get emulator() {
      return started(emulator, "the QStash emulator");
    },
    get client() {
      return started(client, "the QStash client");
    },
    async destination() {
      const dest = await startRecordingDestination();
      destinations.push(dest);
      return dest;
    },
    async call(method, path, init = {}) {
      const res = await fetch(`${started(emulator, "the QStash emulator").url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${options.token}`, ...init.headers },
        body: init.body,
      });
      const text = await res.text();
      return { status: res.status, body: text === "" ? undefined : JSON.parse(text) };
    },
  };
}

/** The `messageId` of a publish answer (empty when the answer has none, e.g. a URL group's array). */
export function idOf(res: unknown): string {
  return typeof res === "object" && res !== null && "messageId" in res ? String(res.messageId) : "";
}

/** The `Upstash-Signature` header of a recorded delivery ("undefined" when there is none). */
export function signatureOf(req: { headers: Record<string, unknown> } | undefined): string {
  return String(req?.headers["upstash-signature"]);
}
