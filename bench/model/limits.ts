/**
 * Which published limit a workload meets first. Each check is demand ÷ limit (above 1 means over the limit);
 * checks are sorted, so per plan and kind the first is the one that binds first. Two kinds: volume (quotas and
 * rates the workload's traffic uses up) and invocation (what one Worker invocation or one request may hold,
 * whatever the traffic).
 */
import { PRICES, type Priced, SECONDS_PER_MONTH } from "../prices";
import type { DesignCounts } from "../scenarios/model-counts";
import type { Design } from "../system";
import type { Capacity, Fold } from "./capacity";

export interface LimitCheck {
  plan: "free" | "paid";
  kind: "volume" | "invocation";
  limit: string;
  demand: number;
  allowed: number;
  /** demand ÷ allowed */
  use: number;
  unit: string;
}

const INVOCATION_UNITS = new Set(["subrequests", "CPU ms", "request bytes"]);

/** The projector's default budget per invocation (workers/projector/fold/budget.ts DEFAULT_BUDGET). */
export const PROJECTOR_MAX_EVENTS = 20_000;

function allowed(p: Priced): number | undefined {
  return p.value ?? undefined;
}

/** Subrequests of one projector invocation folding `events` records. */
export function foldSubrequests(d: DesignCounts, events: number): number {
  return d.fold.perInvocation.subrequests + events * d.fold.perEvent.subrequests;
}

/** The most records one invocation may fold within `subrequests`, in whole default batches. */
export function eventsWithin(d: DesignCounts, subrequests: number): number {
  const per = d.fold.perEvent.subrequests * d.fold.batchEvents;
  if (per <= 0) return Number.POSITIVE_INFINITY;
  return Math.max(0, Math.floor((subrequests - d.fold.perInvocation.subrequests) / per)) * d.fold.batchEvents;
}

export function limitChecks(c: Capacity, d: DesignCounts, fold: Fold, design: Design): LimitCheck[] {
  const checks: LimitCheck[] = [];
  const add = (plan: LimitCheck["plan"], limit: string, demand: number, p: Priced, unit: string) => {
    const a = allowed(p);
    if (a === undefined) return;
    const kind = INVOCATION_UNITS.has(unit) ? "invocation" : "volume";
    checks.push({ plan, kind, limit, demand, allowed: a, use: demand / a, unit });
  };
  const W = PRICES.workers;
  const writeSub = Math.max(d.create.command.total, d.update.command.total, d.delete.command.total);
  // The baseline folds one fetch per invocation; ours drains up to its budget.
  const budget = design === "ours" ? PROJECTOR_MAX_EVENTS : d.fold.batchEvents;
  const foldSub = foldSubrequests(d, budget);
  const budgetLabel = `${budget.toLocaleString("en-US")} events`;

  add(
    "free",
    "Workers Free requests per day",
    c.workerRequestsPerSecond * 86_400,
    W.free.requestsPerDay,
    "requests/day",
  );
  add(
    "free",
    "Workers Free subrequests per write invocation",
    writeSub,
    W.free.subrequestsPerInvocation,
    "subrequests",
  );
  add(
    "free",
    `Workers Free subrequests per projector invocation (${budgetLabel})`,
    foldSub,
    W.free.subrequestsPerInvocation,
    "subrequests",
  );
  if (fold.workerdCpuMsPer1000 !== undefined) {
    add(
      "free",
      `Workers Free CPU per projector invocation (${budgetLabel})`,
      (fold.workerdCpuMsPer1000 * budget) / 1000,
      W.free.cpuMsPerInvocation,
      "CPU ms",
    );
  }
  const writeCpu = Math.max(
    d.create.workerdCpuMs ?? 0,
    d.update.workerdCpuMs ?? 0,
    d.delete.workerdCpuMs ?? 0,
  );
  if (writeCpu > 0) {
    add(
      "free",
      "Workers Free CPU per write (command + projector)",
      writeCpu,
      W.free.cpuMsPerInvocation,
      "CPU ms",
    );
  }
  add(
    "paid",
    `Workers Paid subrequests per projector invocation (${budgetLabel})`,
    foldSub,
    W.paid.subrequestsPerInvocation,
    "subrequests",
  );

  const R = PRICES.upstashRedis;
  add(
    "free",
    "Upstash Redis Free commands per month",
    c.redisCommandsPerSecond * SECONDS_PER_MONTH,
    R.free.commandsPerMonth,
    "commands/month",
  );
  add(
    "free",
    "Upstash Redis commands per second (one database)",
    c.redisCommandsPerSecond,
    R.free.maxCommandsPerSecond,
    "commands/s",
  );
  add(
    "paid",
    "Upstash Redis commands per second (one database)",
    c.redisCommandsPerSecond,
    R.payAsYouGo.maxCommandsPerSecond,
    "commands/s",
  );
  const largest = Math.max(d.fold.largestRedisRequestBytes, d.create.largestRedisRequestBytes);
  add(
    "free",
    "Upstash Redis largest request (a fold batch's script)",
    largest,
    R.free.maxRequestBytes,
    "bytes",
  );
  add(
    "free",
    "Upstash Redis Free bandwidth per month",
    (c.redisBytesPerSecond * SECONDS_PER_MONTH) / 1e9,
    R.free.bandwidthGbPerMonth,
    "GB/month",
  );
  if (c.backend === "redis-streams") {
    add(
      "paid",
      "Upstash Redis max data size after 30 days of log",
      (c.logBytesPerDay * 30) / 1e9,
      R.payAsYouGo.maxDataSizeGb,
      "GB",
    );
    add(
      "free",
      "Upstash Redis Free data size after 1 day of log",
      c.logBytesPerDay / 1e6,
      R.free.dataSizeMb,
      "MB",
    );
  }

  const Q = PRICES.qstash;
  add(
    "free",
    "QStash Free messages per day",
    c.qstashMessagesPerSecond * 86_400,
    Q.free.messagesPerDay,
    "messages/day",
  );
  add(
    "paid",
    "QStash pay-as-you-go requests per second (older docs page)",
    c.qstashMessagesPerSecond,
    Q.payAsYouGo.olderDocsRequestsPerSecond,
    "messages/s",
  );
  return checks.sort((a, b) => b.use - a.use);
}
