/**
 * The capacity and cost model's arithmetic, from counts given here: what a workload costs at the prices in
 * bench/prices.ts, how the derived backends map log requests, and which limit a workload meets first.
 */
import { describe, expect, it } from "vitest";
import { capacity } from "../../bench/model/capacity";
import { monthlyCost } from "../../bench/model/cost";
import { eventsWithin, limitChecks } from "../../bench/model/limits";
import { DEFAULT_WORKLOAD, type Workload } from "../../bench/model/workload";
import { SECONDS_PER_MONTH } from "../../bench/prices";
import type { DesignCounts, OpCount } from "../../bench/scenarios/model-counts";

function op(
  o: Partial<OpCount> & { redisCommands: number; kafkaRequests: number; qstashPublishes: number },
): OpCount {
  return {
    redisRequests: o.redisCommands,
    redisByName: {},
    redisBytes: 0,
    largestRedisRequestBytes: 0,
    kafka: {},
    deliveries: o.qstashPublishes,
    command: { redis: 0, kafka: 0, qstash: 0, total: 0 },
    projector: { redis: 0, kafka: 0, qstash: 0, total: 0 },
    workerdCpuMs: 0,
    ...o,
  };
}

const write = op({ redisCommands: 4, kafkaRequests: 3, qstashPublishes: 1 });
const counts = (list: OpCount): DesignCounts => ({
  create: write,
  update: write,
  delete: write,
  list,
  task: null,
  fold: {
    batchEvents: 500,
    perEvent: {
      redisRequests: 2 / 500,
      redisCommands: 2 / 500,
      kafkaRequests: 1 / 500,
      subrequests: 3 / 500,
    },
    perInvocation: { redisRequests: 2, redisCommands: 2, kafkaRequests: 1, subrequests: 3 },
    invocationsForThree: 1,
    largestRedisRequestBytes: 1000,
  },
  listedTasks: 100,
  recordBytes: 1000,
});

const workload: Workload = {
  ...DEFAULT_WORKLOAD,
  writesPerSecond: 1,
  writeMix: { create: 1, update: 0, delete: 0 },
  readsPerSecond: 10,
  readMix: { list: 1, task: 0 },
};
const fold = { eventsPerSecond: 1000 };

describe("capacity and cost model", () => {
  it("capacity: the log in Redis adds one command per log request, and partitions follow the fold rate", () => {
    const d = counts(op({ redisCommands: 1, kafkaRequests: 0, qstashPublishes: 0 }));
    const kafka = capacity(d, workload, fold, "upstash-kafka");
    const streams = capacity(d, workload, fold, "redis-streams");
    expect(kafka.redisCommandsPerSecond).toBe(1 * 4 + 10 * 1);
    expect(kafka.logRequestsPerSecond).toBe(3);
    expect(streams.redisCommandsPerSecond).toBe(1 * 4 + 10 * 1 + 3);
    expect(streams.logRequestsPerSecond).toBe(0);
    expect(kafka.workerRequestsPerSecond).toBe(1 * 2 + 10);
    expect(capacity(d, { ...workload, writesPerSecond: 1200 }, fold, "upstash-kafka").partitions.needed).toBe(
      3,
    );
  });

  it("monthlyCost: Upstash per 100K commands, QStash per 100K messages, Workers past the Paid plan's included usage", () => {
    const d = counts(op({ redisCommands: 1, kafkaRequests: 0, qstashPublishes: 0 }));
    const c = capacity(d, { ...workload, writesPerSecond: 10, readsPerSecond: 0 }, fold, "upstash-kafka");
    const m = monthlyCost(c);
    const month = SECONDS_PER_MONTH;
    expect(m.redisParts.commands).toBeCloseTo(((40 * month) / 100_000) * 0.2, 2);
    expect(m.qstash).toBeCloseTo(((10 * month) / 100_000) * 1, 2);
    expect(m.workersParts.requests).toBeCloseTo(((20 * month - 10_000_000) / 1e6) * 0.3, 2);
    expect(m.workersParts.base).toBe(5);
    expect(m.log).toBeNull();
    expect(m.total).toBeNull();
    const streams = monthlyCost(capacity(d, workload, fold, "redis-streams"));
    expect(streams.total).toBeCloseTo(streams.redis + streams.qstash + streams.workers, 1);
  });

  it("limitChecks: a list that costs a command per task overruns one database's commands per second first", () => {
    const d = counts(op({ redisCommands: 101, kafkaRequests: 0, qstashPublishes: 0 }));
    const busy = { ...workload, writesPerSecond: 0, readsPerSecond: 1000 };
    const paid = limitChecks(capacity(d, busy, fold, "upstash-kafka"), d, fold, "baseline").filter(
      (l) => l.plan === "paid" && l.kind === "volume",
    );
    expect(paid[0]?.limit).toBe("Upstash Redis commands per second (one database)");
    expect(paid[0]?.use).toBeCloseTo(10.1, 5);
  });

  it("eventsWithin: batches that fit a subrequest limit after an invocation's own requests", () => {
    const d = counts(op({ redisCommands: 1, kafkaRequests: 0, qstashPublishes: 0 }));
    expect(eventsWithin(d, 50)).toBe(15 * 500);
    expect(eventsWithin(d, 2)).toBe(0);
  });
});
