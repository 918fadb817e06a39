/** The model as Markdown: per-operation counts, the workload's load and monthly cost per backend, first limits. */
import { SECONDS_PER_MONTH } from "../prices";
import type { DesignCounts, OpCount } from "../scenarios/model-counts";
import type { ModelResult, ModelRow } from "./index";

const n = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const usd = (x: number | null) => (x === null ? "n/a" : `$${n(x, 0)}`);

function opCells(c: OpCount | null): string {
  if (!c) return "(list) | | | |";
  return `${c.redisCommands} (${c.redisRequests} req) | ${c.kafkaRequests} | ${c.qstashPublishes} | ${1 + c.deliveries} / ${c.command.total} + ${c.projector.total}`;
}

function countsTable(r: ModelResult): string[] {
  const lines = [
    "| operation | design | Redis commands (requests) | log requests | QStash messages | invocations / subrequests (command + projector) |",
    "|---|---|---:|---:|---:|---:|",
  ];
  for (const design of ["ours", "baseline"] as const) {
    const d: DesignCounts = r.counts[design];
    lines.push(`| createTask | ${design} | ${opCells(d.create)} |`);
    lines.push(`| updateTask (complete) | ${design} | ${opCells(d.update)} |`);
    lines.push(`| deleteTask | ${design} | ${opCells(d.delete)} |`);
    lines.push(
      `| list (${d.listedTasks} tasks) | ${design} | ${d.list.redisCommands} (${d.list.redisRequests} req) | ${d.list.kafkaRequests} | 0 | 1 / ${d.list.command.total} |`,
    );
    if (d.task) {
      lines.push(
        `| task(id) | ${design} | ${d.task.redisCommands} (${d.task.redisRequests} req) | ${d.task.kafkaRequests} | 0 | 1 / ${d.task.command.total} |`,
      );
    }
    const f = d.fold;
    const b = (x: number) => n(x * f.batchEvents, 1);
    lines.push(
      `| fold, per ${f.batchEvents} events (one default batch) | ${design} | ${b(f.perEvent.redisCommands)} (${b(f.perEvent.redisRequests)} req) | ${b(f.perEvent.kafkaRequests)} | | ${b(f.perEvent.subrequests)} subrequests |`,
    );
    lines.push(
      `| fold, per invocation beyond its events | ${design} | ${n(f.perInvocation.redisCommands, 1)} (${n(f.perInvocation.redisRequests, 1)} req) | ${n(f.perInvocation.kafkaRequests, 1)} | | ${n(f.perInvocation.subrequests, 1)} subrequests |`,
    );
  }
  return lines;
}

function label(row: ModelRow): string {
  const base = row.design === "baseline" ? "original design (baseline)" : `ours, \`${row.backend}\``;
  return row.capacity.derivation === "derived" ? `${base} (derived)` : base;
}

function loadTable(r: ModelResult): string[] {
  const lines = [
    "| design, log backend | Redis commands/s | Redis MB/s | log requests/s | QStash messages/s | Worker requests/s | partitions | Redis $/month (commands + bandwidth + log storage) | QStash $/month | Workers $/month | log $/month | total $/month |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of r.rows) {
    const c = row.capacity;
    const m = row.cost;
    lines.push(
      `| ${label(row)} | ${n(c.redisCommandsPerSecond)} | ${n(c.redisBytesPerSecond / 1e6, 1)} | ${n(c.logRequestsPerSecond)} | ${n(c.qstashMessagesPerSecond)} | ${n(c.workerRequestsPerSecond)} | ${c.partitions.needed} | ${usd(m.redis)} (${usd(m.redisParts.commands)} + ${usd(m.redisParts.bandwidth)} + ${usd(m.redisParts.logStorage)}) | ${usd(m.qstash)} | ${usd(m.workers)} | ${m.log === null ? "unpriced" : usd(m.log)} | ${m.total === null ? `${usd(m.redis + m.qstash + m.workers)} + log` : usd(m.total)} |`,
    );
  }
  return lines;
}

function limitsLines(r: ModelResult): string[] {
  const lines: string[] = [];
  const pct = (use: number) => (use >= 10 ? `${n(use, 0)}×` : `${n(use * 100, 0)} %`);
  for (const row of r.rows) {
    const parts: string[] = [];
    for (const [plan, kind] of [
      ["free", "volume"],
      ["free", "invocation"],
      ["paid", "volume"],
      ["paid", "invocation"],
    ] as const) {
      const first = row.limits.find((l) => l.plan === plan && l.kind === kind);
      if (!first) continue;
      parts.push(
        `${plan} ${kind === "volume" ? "traffic" : "per invocation"}: ${first.limit}, ${n(first.demand, 1)} of ${n(first.allowed)} ${first.unit} (${pct(first.use)})`,
      );
    }
    lines.push(`- ${label(row)}: ${parts.join("; ")}`);
  }
  return lines;
}

export function renderModel(r: ModelResult): string {
  const w = r.workload;
  const o = r.counts.ours;
  const c = r.redisStreamsCeiling;
  const e = r.eventsPerInvocation;
  return [
    `## Capacity and cost model`,
    "",
    `Workload: ${n(w.writesPerSecond)} writes/s (create ${w.writeMix.create * 100} %, complete ${w.writeMix.update * 100} %, delete ${w.writeMix.delete * 100} %), ` +
      `${n(w.readsPerSecond)} reads/s (list ${w.readMix.list * 100} %, task ${w.readMix.task * 100} %), ${n(w.taskBytes)}-byte tasks, lists of ${w.tasksPerList}; ` +
      `a month is ${n(SECONDS_PER_MONTH / 86_400)} days. Prices: bench/prices.ts (pay-as-you-go; Workers Paid).`,
    "",
    "Requests per operation, counted end to end on the local stack (one poke per write, folded alone):",
    "",
    ...countsTable(r),
    "",
    `One partition folds ${n(r.fold.ours.eventsPerSecond)} events/s (ours) and ${n(r.fold.baseline.eventsPerSecond)} events/s (baseline) on this machine; ` +
      `a partition may take ${w.foldHeadroom * 100} % of that. A log record of a ${n(w.taskBytes)}-byte task is ${n(o.recordBytes)} bytes.`,
    "",
    ...loadTable(r),
    "",
    "Limits that bind first:",
    "",
    ...limitsLines(r),
    "",
    `One projector invocation folds at most ${n(e.free)} events within Workers Free's subrequests and ${n(e.paid)} within Paid's` +
      (e.freeCpu !== undefined
        ? `; Free's 10 ms of CPU folds about ${n(e.freeCpu)} events (local workerd CPU).`
        : "."),
    `Redis Streams in one Upstash database (10,000 commands/s) carries up to ${n(c.writesPerSecondAtWorkloadReads)} writes/s beside ${n(w.readsPerSecond)} reads/s ` +
      `(${n(c.writesPerSecondWithoutReads)} writes/s with no reads); its untrimmed log reaches the 100 GB data size in ${n(c.daysUntilMaxDataSize)} days at this write rate.`,
    "",
  ].join("\n");
}
