/** The partitions simulation's JSON section (bench/results/latest.json) and Markdown table. */
import type { MachineInfo } from "../machine";
import { round } from "../ratios";
import type { PartitionsResult } from "./partitions";

export function partitionsJson(r: PartitionsResult, machine: MachineInfo, durationS: number) {
  return {
    mode: "partitions",
    date: machine.date,
    duration_s: round(durationS, 1),
    machine,
    partitions: {
      method:
        "per partition count, a fresh command worker and projector on a Redis Streams log of that many partitions; creates started open-loop at the same rate per partition; lag from each create's acknowledgement until its partition's checkpoint passes the offset in its consistency token, read from Redis every 5 ms by one watcher",
      counts: r.counts,
      lag_growth_largest_over_smallest: { p50: round(r.lagGrowth.p50, 2), p99: round(r.lagGrowth.p99, 2) },
      create_growth_largest_over_smallest: {
        p50: round(r.createGrowth.p50, 2),
        p99: round(r.createGrowth.p99, 2),
      },
      runs: r.runs.map((run) => ({
        partitions: run.partitions,
        rate_per_partition: run.ratePerPartition,
        writes: run.writes,
        failed: run.failed,
        seconds: round(run.seconds, 1),
        writes_per_s: round(run.writesPerSecond, 1),
        writes_per_partition_per_s: round(run.writesPerPartitionPerSecond, 2),
        peak_in_flight: run.peakInFlight,
        create_ms: { p50: round(run.create.p50, 1), p99: round(run.create.p99, 1) },
        lag_ms: { p50: round(run.lag.p50, 1), p99: round(run.lag.p99, 1), max: round(run.lagMax, 1) },
      })),
    },
  };
}

export function renderPartitions(r: PartitionsResult): string {
  const lines = [
    "| partitions | writes/s (per partition) | writers in flight, peak | createTask p50 / p99 ms | lag p50 / p99 / max ms |",
    "|---:|---:|---:|---:|---:|",
    ...r.runs.map(
      (run) =>
        `| ${run.partitions} | ${run.writesPerSecond.toFixed(1)} (${run.writesPerPartitionPerSecond.toFixed(2)}) | ${run.peakInFlight} | ${run.create.p50.toFixed(0)} / ${run.create.p99.toFixed(0)} | ${run.lag.p50.toFixed(0)} / ${run.lag.p99.toFixed(0)} / ${run.lagMax.toFixed(0)} |`,
    ),
    "",
    `At ${r.counts.at(-1)} partitions ÷ at ${r.counts[0]}: lag p50 ${r.lagGrowth.p50.toFixed(2)}, p99 ${r.lagGrowth.p99.toFixed(2)}; createTask (no partition count changes it: the machine's own slowdown) p50 ${r.createGrowth.p50.toFixed(2)}, p99 ${r.createGrowth.p99.toFixed(2)}.`,
    "",
  ];
  return `${lines.join("\n")}\n`;
}
