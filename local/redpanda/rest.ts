/**
 * The Redpanda HTTP Proxy (pandaproxy) emulator: produce and the stateless partition fetch, with Basic auth and
 * Redpanda's `{"error_code","message"}` error bodies, over the Kafka emulator's durable storage (each produce
 * fsynced before it is acknowledged). It opens that storage on a data folder of its own: two processes must
 * never append to the same partition files.
 */
import type { EmulatorRequest, EmulatorResponse } from "../common/emulator";
import {
  openStorage,
  type RunningStorageEmulator,
  type StorageEmulatorOptions,
  serveStorage,
} from "../kafka/serve-storage";
import { topicNameProblem } from "../kafka/topic-name";
import { checkBasicAuth } from "./auth";
import type { ProxyContext } from "./context";
import { errorBody, ProxyError, shellErrorBody } from "./errors";
import { MEDIA_TYPE } from "./formats";
import { matchRoute } from "./router";

export interface RedpandaEmulatorOptions extends StorageEmulatorOptions {
  /** Topics created at start, as `rpk topic create` would. */
  topics?: readonly string[];
  /** Whether a produce to an unknown topic creates it. Default true, as in Redpanda's dev mode. */
  autoCreateTopics?: boolean;
  /** Largest batch one partition accepts, in bytes. Default 1 MiB (Redpanda's `kafka_batch_max_bytes`). */
  maxBatchBytes?: number;
}

export type RunningRedpandaEmulator = RunningStorageEmulator;

const DEFAULT_MAX_BATCH_BYTES = 1024 * 1024;

function proxyError(err: ProxyError): EmulatorResponse {
  return {
    status: err.status,
    headers: { "content-type": MEDIA_TYPE.v2 },
    body: errorBody(err.errorCode, err.message),
  };
}

async function handle(
  ctx: ProxyContext,
  opts: RedpandaEmulatorOptions,
  req: EmulatorRequest,
): Promise<EmulatorResponse> {
  try {
    checkBasicAuth(req.headers, opts.username, opts.password);
    const match = matchRoute(req.method, req.rawPath);
    if (match.kind === "not-found") return proxyError(new ProxyError(404, "Not found"));
    if (match.kind === "wrong-method") {
      return proxyError(new ProxyError(405, `Method Not Allowed; use ${match.allowed.join(" or ")}`));
    }
    return await match.handler(ctx, req, match.params);
  } catch (err) {
    if (err instanceof ProxyError) return proxyError(err);
    throw err;
  }
}

export async function startRedpandaEmulator(opts: RedpandaEmulatorOptions): Promise<RunningRedpandaEmulator> {
  const storage = await openStorage({
    ...opts,
    log: opts.log ?? ((line) => console.error(line.replace(/^\[kafka\]/, "[redpanda]"))),
  });
  const ctx: ProxyContext = {
    storage,
    autoCreateTopics: opts.autoCreateTopics ?? true,
    maxBatchBytes: opts.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
    maxTimeoutMs: opts.maxTimeoutMs ?? 30_000,
  };
  try {
    for (const topic of opts.topics ?? []) {
      const problem = topicNameProblem(topic);
      if (problem) throw new Error(`topics: ${problem}`);
      await storage.ensureTopic(topic);
    }
  } catch (err) {
    await storage.close();
    throw err;
  }
  return serveStorage(storage, opts, {
    name: "redpanda",
    handle: (req) => handle(ctx, opts, req),
    matchRoute,
    errorBody: shellErrorBody,
  });
}
