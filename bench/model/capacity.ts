/**
 * From counts per operation to what each service sees under a workload: requests per second, partitions, log
 * growth. Three log backends for this project: `upstash-kafka` as measured; `redis-streams` and `redpanda`
 * derived from it, request for request, as their adapters map the port (an append is one script, a read one
 * XRANGE, a head one command per partition; Redpanda's HTTP Proxy takes one request per Kafka REST request).
 */
import type { DesignCounts } from "../scenarios/model-counts";
import { meanRead, meanWrite, type PerOp, type Workload } from "./workload";

export type Backend = "upstash-kafka" | "redis-streams" | "redpanda";

export interface Fold {
  /** Sustained fold rate of one partition, measured by the fold scenario on this machine. */
  eventsPerSecond: number;
  /** Workers CPU per 1,000 folded events (workerd, this machine). */
  workerdCpuMsPer1000?: number;
}

export interface Capacity {
  backend: Backend;
  /** Which numbers are measured, and which derived from measured ones. */
  derivation: "measured" | "derived";
  eventsPerSecond: number;
  redisCommandsPerSecond: number;
  redisRequestsPerSecond: number;
  /** Redis REST bytes in both directions per second (log bytes included for redis-streams). */
  redisBytesPerSecond: number;
  /** Requests to the log service (Upstash Kafka REST, or your Redpanda HTTP Proxy); 0 when the log is in Redis. */
  logRequestsPerSecond: number;
  qstashMessagesPerSecond: number;
  workerRequestsPerSecond: number;
  workerCpuMsPerSecond: number;
  /** Log bytes appended per day (it is in Redis for redis-streams). */
  logBytesPerDay: number;
  partitions: { needed: number; foldEventsPerSecondPerPartition: number; headroom: number };
  perWrite: PerOp;
  perRead: PerOp;
}

export function capacity(d: DesignCounts, w: Workload, fold: Fold, backend: Backend): Capacity {
  const mw = meanWrite(d, w);
  const mr = meanRead(d, w);
  const W = w.writesPerSecond;
  const R = w.readsPerSecond;
  const log = W * mw.kafkaRequests + R * mr.kafkaRequests;
  // Every operation touches one partition's log, so each measured log request is one Redis command there (the
  // cron's check of every partition's head, once a minute, is left out).
  const inRedis = backend === "redis-streams";
  const logCommands = inRedis ? log : 0;
  const eventsPerSecond = W;
  const logBytesPerSecond = eventsPerSecond * d.recordBytes;
  const perPartition = fold.eventsPerSecond * w.foldHeadroom;
  return {
    backend,
    derivation: backend === "upstash-kafka" ? "measured" : "derived",
    eventsPerSecond,
    redisCommandsPerSecond: W * mw.redisCommands + R * mr.redisCommands + logCommands,
    redisRequestsPerSecond: W * mw.redisRequests + R * mr.redisRequests + (inRedis ? log : 0),
    // Written once, read once by the projector.
    redisBytesPerSecond: W * mw.redisBytes + R * mr.redisBytes + (inRedis ? 2 * logBytesPerSecond : 0),
    logRequestsPerSecond: inRedis ? 0 : log,
    qstashMessagesPerSecond: W * mw.qstashPublishes,
    workerRequestsPerSecond: W * (1 + mw.projectorInvocations) + R,
    workerCpuMsPerSecond: W * mw.workerdCpuMs + R * mr.workerdCpuMs,
    logBytesPerDay: logBytesPerSecond * 86_400,
    partitions: {
      needed: Math.max(1, Math.ceil(eventsPerSecond / perPartition)),
      foldEventsPerSecondPerPartition: Math.round(fold.eventsPerSecond),
      headroom: w.foldHeadroom,
    },
    perWrite: mw,
    perRead: mr,
  };
}
