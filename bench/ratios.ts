/** The ratios of a run (ours / baseline, or ours / floor), and the figures they are made of. */
import type { BenchResults } from "./results";
import type { FoldResult } from "./scenarios/fold";
import type { ListSize } from "./scenarios/list";

export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Events per second of a design's fold runs (the median run). */
export function foldRate(runs: FoldResult[]): number {
  return median(runs.map((r) => r.eventsPerSecond));
}

export function listAt(r: BenchResults, tasks: number): ListSize {
  const size = r.list.find((s) => s.tasks === tasks);
  if (!size) throw new Error(`no list measurement over ${tasks} tasks`);
  return size;
}

/** Every ratio, ours / baseline (or ours / floor). Below 1 is better for times, above 1 for rates. */
export function ratios(r: BenchResults): Record<string, number> {
  const { sequential: seq, concurrent: conc, lag } = r;
  const l1 = listAt(r, 1_000);
  const l10 = listAt(r, 10_000);
  return {
    create_p50: round(seq.ours.p50 / seq.baseline.p50),
    create_p99: round(seq.ours.p99 / seq.baseline.p99),
    create_p50_hosted_qstash: round(seq.oursHostedQStash.p50 / seq.baselineHostedQStash.p50),
    create_c16_p50: round(conc.ours.latency.p50 / conc.baseline.latency.p50),
    create_c16_p99: round(conc.ours.latency.p99 / conc.baseline.latency.p99),
    create_throughput: round(conc.ours.perSecond / conc.baseline.perSecond),
    lag_p50: round(lag.ours.p50 / lag.baseline.p50),
    lag_p99: round(lag.ours.p99 / lag.baseline.p99),
    fold_events_per_s: round(foldRate(r.fold.ours) / foldRate(r.fold.baseline)),
    list_1k_p50: round(l1.ours.p50 / l1.baseline.p50),
    list_1k_p99: round(l1.ours.p99 / l1.baseline.p99),
    list_10k_p50: round(l10.ours.p50 / l10.baseline.p50),
    list_10k_p99: round(l10.ours.p99 / l10.baseline.p99),
    create_p50_quiet: round(lag.quietCreate.ours.p50 / lag.quietCreate.baseline.p50),
    create_p50_vs_floor: round(seq.ours.p50 / seq.floorProduce.p50),
    create_p50_vs_floor_and_hop: round(seq.ours.p50 / (seq.floorProduce.p50 + seq.floorHop.p50)),
    baseline_create_p50_vs_floor: round(seq.baseline.p50 / seq.floorProduce.p50),
    create_p50_vs_bare_append: round(seq.ours.p50 / seq.floorAppend.p50),
    list_1k_p50_vs_floor: round(l1.ours.p50 / l1.floorScript.p50),
  };
}
