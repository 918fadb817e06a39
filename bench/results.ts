/**
 * What one bench run measured, scenario by scenario: the one shape that the JSON (report.ts), the Markdown table
 * (table.ts, rows.ts), the ratios and the targets are all computed from.
 */
import type { EventLogBackend } from "../shared/config/event-log";
import type { BackendResult } from "./backends";
import type { MachineInfo } from "./machine";
import type { BurstResult } from "./scenarios/burst";
import type { ConcurrentResult, SequentialResult } from "./scenarios/create";
import type { FoldResult } from "./scenarios/fold";
import type { LagResult } from "./scenarios/lag";
import type { ListSize } from "./scenarios/list";
import type { RoundTrips } from "./scenarios/round-trips";

export interface BenchResults {
  mode: "full" | "quick";
  durationS: number;
  machine: MachineInfo;
  lag: LagResult;
  roundTrips: { ours: RoundTrips; baseline: RoundTrips };
  sequential: SequentialResult;
  concurrent: ConcurrentResult;
  list: ListSize[];
  fold: { ours: FoldResult[]; baseline: FoldResult[] };
  burst: { ours: BurstResult[]; baseline: BurstResult[] };
  /** Our design on each event log backend. */
  backends: Partial<Record<EventLogBackend, BackendResult>>;
}
