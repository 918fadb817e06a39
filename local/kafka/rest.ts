/**
 * The Upstash Kafka REST emulator (docs/protocols.md#upstash-kafka-rest): the protocol `@upstash/kafka` 1.3.5 speaks, over the
 * durable storage of storage.ts. Every answer is JSON; every request needs HTTP Basic auth.
 */
import { type EmulatorRequest, type EmulatorResponse, errorResponse } from "../common/emulator";
import { isAuthorized } from "./auth";
import type { KafkaContext } from "./context";
import { KafkaHttpError } from "./errors";
import { ConsumerGroups } from "./groups/consumer-groups";
import { matchRoute } from "./router";
import {
  openStorage,
  type RunningStorageEmulator,
  type StorageEmulatorOptions,
  serveStorage,
} from "./serve-storage";

export interface KafkaEmulatorOptions extends StorageEmulatorOptions {
  /** Most records one fetch or consume returns. Default 500. */
  maxFetchRecords?: number;
}

export type RunningKafkaEmulator = RunningStorageEmulator;

async function handle(
  ctx: KafkaContext,
  opts: KafkaEmulatorOptions,
  req: EmulatorRequest,
): Promise<EmulatorResponse> {
  if (!isAuthorized(req.headers, opts.username, opts.password)) {
    return {
      status: 401,
      headers: { "www-authenticate": 'Basic realm="kafka"' },
      body: { error: "Unauthorized: wrong or missing Basic credentials", status: 401 },
    };
  }
  const match = matchRoute(req.method, req.rawPath);
  if (match.kind === "not-found") return errorResponse(404, `no such endpoint: ${req.method} ${req.rawPath}`);
  if (match.kind === "wrong-method") {
    return errorResponse(
      405,
      `${req.method} is not allowed on ${req.rawPath}; use ${match.allowed.join(" or ")}`,
    );
  }
  try {
    return await match.handler(ctx, req, match.params);
  } catch (err) {
    if (err instanceof KafkaHttpError) return errorResponse(err.status, err.message);
    throw err;
  }
}

export async function startKafkaEmulator(opts: KafkaEmulatorOptions): Promise<RunningKafkaEmulator> {
  const storage = await openStorage(opts);
  const groups = await ConsumerGroups.open(storage);
  const ctx: KafkaContext = {
    storage,
    groups,
    maxFetchRecords: opts.maxFetchRecords ?? 500,
    maxTimeoutMs: opts.maxTimeoutMs ?? 30_000,
  };
  return serveStorage(
    storage,
    opts,
    {
      name: "kafka",
      handle: (req) => handle(ctx, opts, req),
      matchRoute,
    },
    () => groups.close(),
  );
}
