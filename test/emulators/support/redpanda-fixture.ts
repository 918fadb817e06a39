/**
 * The set-up every Redpanda HTTP Proxy emulator test file shares: one emulator on a free port for the whole
 * file, its data in a temporary folder, and a tiny client that speaks the proxy's wire protocol with plain
 * `fetch` (Redpanda publishes no JavaScript client of its HTTP Proxy).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import {
  type RedpandaEmulatorOptions,
  type RunningRedpandaEmulator,
  startRedpandaEmulator,
} from "../../../local/redpanda/rest";
import { started } from "./started";

export const BINARY = "application/vnd.kafka.binary.v2+json";
export const JSON_FORMAT = "application/vnd.kafka.json.v2+json";
export const V2 = "application/vnd.kafka.v2+json";

export interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

/** A client of one proxy: raw requests, and produce/fetch in the binary embedded format. */
export interface ProxyClient {
  call(
    method: string,
    path: string,
    init?: { headers?: Record<string, string>; body?: string },
  ): Promise<Answer>;
  /** Produces UTF-8 values (and optional keys) to `topic` in one request, in binary. */
  produce(topic: string, records: { value: string; key?: string; partition?: number }[]): Promise<Answer>;
  /** Fetches one partition in binary. */
  fetchRecords(
    topic: string,
    partition: number,
    offset: number,
    maxBytes?: number,
    timeout?: number,
  ): Promise<Answer>;
}

export const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");
export const unb64 = (text: string): string => Buffer.from(text, "base64").toString("utf8");

/** The `Authorization` value of HTTP Basic auth with these credentials (UTF-8 bytes, base64). */
export function basicAuth(username: string, password: string): string {
  return `Basic ${b64(`${username}:${password}`)}`;
}

export function proxyClient(url: () => string, authorization: string): ProxyClient {
  const call: ProxyClient["call"] = async (method, path, init = {}) => {
    const res = await fetch(`${url()}${path}`, {
      method,
      headers: { authorization, ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get("content-type"), body: JSON.parse(text) };
  };
  return {
    call,
    produce: (topic, records) =>
      call("POST", `/topics/${topic}`, {
        headers: { "content-type": BINARY },
        body: JSON.stringify({
          records: records.map(({ value, key, partition }) => ({
            value: b64(value),
            ...(key === undefined ? {} : { key: b64(key) }),
            ...(partition === undefined ? {} : { partition }),
          })),
        }),
      }),
    fetchRecords: (topic, partition, offset, maxBytes = 1_000_000, timeout = 0) =>
      call(
        "GET",
        `/topics/${topic}/partitions/${partition}/records?offset=${offset}&timeout=${timeout}&max_bytes=${maxBytes}`,
        {
          headers: { accept: BINARY },
        },
      ),
  };
}

export type RedpandaFixtureOptions = Omit<RedpandaEmulatorOptions, "port" | "host" | "dataDir"> & {
  /** Names the data folder (`<name>-XXXXXX` under the OS temp folder). */
  name: string;
};

export interface RedpandaFixture {
  readonly emulator: RunningRedpandaEmulator;
  /** A client with the file's credentials. */
  readonly client: ProxyClient;
}

/** Registers the hooks: starts the emulator (port 0) before the file's tests; closes it and removes its data after. */
export function useRedpanda(options: RedpandaFixtureOptions): RedpandaFixture {
  const { name, ...emulatorOptions } = options;
  let emulator: RunningRedpandaEmulator | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `${name}-`));
    emulator = await startRedpandaEmulator({ port: 0, ...emulatorOptions, dataDir: dir });
  });
  afterAll(async () => {
    await emulator?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  const get = () => started(emulator, "the Redpanda emulator");
  const client = proxyClient(() => get().url, basicAuth(options.username, options.password));
  return {
    get emulator() {
      return get();
    },
    client,
  };
}
