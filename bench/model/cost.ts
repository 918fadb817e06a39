/**
 * Monthly cost of a workload's capacity at the published pay-as-you-go prices (bench/prices.ts). A service whose
 * price is not published (Upstash Kafka, shut down; Redpanda, your own machines) is `null`, and so is any total
 * that would include it.
 */
import { PRICES, type Priced, SECONDS_PER_MONTH } from "../prices";
import type { Capacity } from "./capacity";

export interface MonthlyCost {
  redis: number;
  redisParts: { commands: number; bandwidth: number; logStorage: number };
  qstash: number;
  workers: number;
  workersParts: { base: number; requests: number; cpu: number };
  /** The log service itself: null when unpriced (Upstash Kafka, Redpanda), 0 when the log is in Redis. */
  log: number | null;
  /** Everything priced; null when the log is unpriced. */
  total: number | null;
  /** What the total covers and leaves out. */
  notes: string[];
}

function price(p: Priced): number {
  if (p.value === null) throw new Error(`bench/prices.ts: ${p.note ?? "a price the model needs is missing"}`);
  return p.value;
}

const GB = 1e9;
const money = (x: number) => Math.round(x * 100) / 100;

export function monthlyCost(c: Capacity): MonthlyCost {
  const redisP = PRICES.upstashRedis.payAsYouGo;
  const commands = ((c.redisCommandsPerSecond * SECONDS_PER_MONTH) / 100_000) * price(redisP.per100kCommands);
  const gb = (c.redisBytesPerSecond * SECONDS_PER_MONTH) / GB;
  const bandwidth = Math.max(0, gb - price(redisP.freeBandwidthGbPerMonth)) * price(redisP.bandwidthPerGb);
  // The log kept in Redis grows all month: billed on its size after 30 days (an upper bound for month one).
  const logGb = c.backend === "redis-streams" ? (c.logBytesPerDay * 30) / GB : 0;
  const logStorage = Math.max(0, logGb - price(redisP.freeStorageGb)) * price(redisP.storagePerGbMonth);
  const redis = commands + bandwidth + logStorage;

  const qstash =
    ((c.qstashMessagesPerSecond * SECONDS_PER_MONTH) / 100_000) *
    price(PRICES.qstash.payAsYouGo.per100kMessages);

  const paid = PRICES.workers.paid;
  const requests =
    (Math.max(0, c.workerRequestsPerSecond * SECONDS_PER_MONTH - price(paid.includedRequestsPerMonth)) /
      1e6) *
    price(paid.perExtraMillionRequests);
  const cpu =
    (Math.max(0, c.workerCpuMsPerSecond * SECONDS_PER_MONTH - price(paid.includedCpuMsPerMonth)) / 1e6) *
    price(paid.perExtraMillionCpuMs);
  const base = price(paid.basePerMonth);
  const workers = base + requests + cpu;

  const log = c.backend === "redis-streams" ? 0 : null;
  const notes = [
    "Upstash Redis, QStash: pay-as-you-go; Workers: Paid plan (Standard usage model)",
    "Workers CPU is workerd's CPU on this machine, Miniflare included: an upper bound",
    "projection storage (the tasks themselves) is left out",
  ];
  if (c.backend === "upstash-kafka")
    notes.push("Upstash Kafka was shut down in March 2025: the log is unpriced");
  if (c.backend === "redpanda")
    notes.push("Redpanda: your own machines (or Serverless, unpublished): unpriced");
  if (c.backend === "redis-streams")
    notes.push("the log's storage is billed at its size after 30 days, untrimmed");
  return {
    redis: money(redis),
    redisParts: { commands: money(commands), bandwidth: money(bandwidth), logStorage: money(logStorage) },
    qstash: money(qstash),
    workers: money(workers),
    workersParts: { base, requests: money(requests), cpu: money(cpu) },
    log,
    total: log === null ? null : money(redis + qstash + workers + log),
    notes,
  };
}

/** The cost without the log service, comparable across backends. */
export function pricedPart(m: MonthlyCost): number {
  return money(m.redis + m.qstash + m.workers);
}
