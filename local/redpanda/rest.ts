/**
 * The Redpanda HTTP Proxy (pandaproxy) emulator: produce and the stateless partition fetch, with Basic auth and
 * Redpanda's `{"error_code","message"}` error bodies, over the Kafka emulator's durable storage (each produce
 * fsynced before it is acknowledged). It opens that storage on a data folder of its own: two processes must
 * never append to the same partition files.
 */
import type { EmulatorRequest, EmulatorResponse } from "../common/emulator";
import { type RunningStorageEmulator, serveStorage } from "../kafka/serve-storage";
import { KafkaStorage } from "../kafka/storage";
import { topicNameProblem } from "../kafka/topic-name";
import { checkBasicAuth } from "./auth";
import type { ProxyContext } from "./context";
import { errorBody, ProxyError, shellErrorBody } from "./errors";
import { MEDIA_TYPE } from "./formats";
import { matchRoute } from "./router";

export interface RedpandaEmulatorOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  username: string;
  password: string;
  /** Where topics live, in the Kafka emulator's layout (`<topic>/meta.json`, `<topic>/<partition>.log`). */
  dataDir: string;
  /** Partitions of a topic created by a produce or by `topics`. Default 1. */
  defaultPartitions?: number;
  /** Topics created at start, as `rpk topic create` would. */
  topics?: readonly string[];
  /** Whether a produce to an unknown topic creates it. Default true, as in Redpanda's dev mode. */
  autoCreateTopics?: boolean;
  /** Largest batch one partition accepts, in bytes. Default 1 MiB (Redpanda's `kafka_batch_max_bytes`). */
  maxBatchBytes?: number;
  /** Longest long-poll a fetch may ask for, in ms. Default 30 000. */
  maxTimeoutMs?: number;
  /** Where recovery and I/O problems are reported, one line each. Default: stderr. */
  log?: (line: string) => void;
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
  const defaultPartitions = opts.defaultPartitions ?? 1;
  if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) {
    throw new Error(`defaultPartitions must be a positive integer, got ${defaultPartitions}`);
  }
  const storage = await KafkaStorage.open({
    dataDir: opts.dataDir,
    defaultPartitions,
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
  return serveStorage(
    storage,
    opts.dataDir,
    {
      name: "redpanda",
      handle: (req) => handle(ctx, opts, req),
      endpoint: (req) => matchRoute(req.method, req.rawPath).name,
      errorBody: shellErrorBody,
    },
    { port: opts.port, host: opts.host },
  );
}
