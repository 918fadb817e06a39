/**
 * The set-up every Redis REST contract test file shares: its own redis-server (data in a temporary folder)
 * and REST front end on free ports for the whole file, plus unmodified `@upstash/redis` clients of it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll } from "vitest";
import { type LocalRedis, startLocalRedis } from "../../../local/redis/stack";
import { started } from "./started";

export interface LocalRedisFixtureOptions {
  /** Names the data folder (`<name>-XXXXXX` under the OS temp folder). */
  name: string;
  /** The REST token. */
  token: string;
}

export interface LocalRedisFixture {
  /** redis-server and the REST front end; `stack.rest.url` is the REST URL, `stack.dir` the data folder. */
  readonly stack: LocalRedis;
  /** The REST token the front end requires. */
  readonly token: string;
  /** A client with the default options (auto-pipelining, base64 responses). */
  readonly redis: Redis;
  /** A client with base64 responses off (`responseEncoding: false`): replies come as plain JSON. */
  readonly plain: Redis;
}

/** Registers the hooks: starts the stack before the file's tests; closes it and removes its data after them. */
export function useLocalRedis(options: LocalRedisFixtureOptions): LocalRedisFixture {
  let stack: LocalRedis | undefined;
  let redis: Redis | undefined;
  let plain: Redis | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `${options.name}-`));
    stack = await startLocalRedis({ dir, token: options.token });
    redis = new Redis({ url: stack.rest.url, token: options.token });
    plain = new Redis({ url: stack.rest.url, token: options.token, responseEncoding: false });
  });

  afterAll(async () => {
    await stack?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  return {
    get stack() {
      return started(stack, "the local Redis");
    },
    token: options.token,
    get redis() {
      return started(redis, "the Redis client");
    },
    get plain() {
      return started(plain, "the plain Redis client");
    },
  };
}

/** Status and the whole parsed body (undefined when empty), for exact comparison. */
export interface Sent {
  status: number;
  body: unknown;
}

/** Raw requests to the REST front end, as `fetch` sends them: for checking exact statuses and bodies. */
export interface RawRequests {
  /** Sends `body` (POST unless `init.method` says otherwise) with the token and a JSON content type. */
  sendWithHeaders(
    path: string,
    body: string | Uint8Array<ArrayBuffer> | undefined,
    init?: { method?: string; headers?: Record<string, string> },
  ): Promise<Sent & { headers: Headers }>;
  /** As `sendWithHeaders`, without the response headers. */
  send(...args: Parameters<RawRequests["sendWithHeaders"]>): Promise<Sent>;
}

/** Raw requests to `local`'s front end; headers in `init` replace the defaults (e.g. `authorization`). */
export function rawRequests(local: LocalRedisFixture): RawRequests {
  const sendWithHeaders: RawRequests["sendWithHeaders"] = async (path, body, init = {}) => {
    const res = await fetch(`${local.stack.rest.url}${path}`, {
      method: init.method ?? "POST",
      headers: {
        authorization: `Bearer ${local.token}`,
        "content-type": "application/json",
        ...init.headers,
      },
      body,
    });
    const text = await res.text();
    return { status: res.status, body: text === "" ? undefined : JSON.parse(text), headers: res.headers };
  };
  return {
    sendWithHeaders,
    async send(...args) {
      const { status, body } = await sendWithHeaders(...args);
      return { status, body };
    },
  };
}
