/**
 * The run's results as bench/results/latest.json: ratios (ours / baseline, or ours / floor), round trips per
 * operation for both designs, each target with whether it was met, and the raw summaries behind them.
 */
import { ratios, round } from "./ratios";
import type { BenchResults } from "./results";
import type { RoundTrips } from "./scenarios/round-trips";
import { targets } from "./targets";

function backendsOf(backends: BenchResults["backends"]) {
  return Object.fromEntries(
    Object.entries(backends).map(([name, b]) => [
      name,
      {
        create_ms: { p50: round(b.create.p50, 1), p99: round(b.create.p99, 1), n: b.create.n },
        lag_ms: { p50: round(b.lag.p50, 1), p99: round(b.lag.p99, 1), n: b.lag.n },
        fold: {
          events: b.fold.events,
          events_per_s: Math.round(b.fold.eventsPerSecond),
          invocations: b.fold.invocations,
        },
        round_trips: tripsOf(b.roundTrips),
      },
    ]),
  );
}

function tripsOf(t: RoundTrips) {
  return {
    create: t.create.critical,
    create_total: t.create.commandTotal,
    create_with_projection: t.create.withProjection,
    update: t.update.critical,
    update_total: t.update.commandTotal,
    delete: t.delete.critical,
    delete_total: t.delete.commandTotal,
    list: t.list,
    fold_batch: t.foldBatch,
    fold_invocation_overhead: t.foldInvocationOverhead,
  };
}

export function toJson(r: BenchResults) {
  return {
    mode: r.mode,
    date: r.machine.date,
    duration_s: round(r.durationS, 1),
    machine: r.machine,
    ratios: ratios(r),
    round_trips: { ours: tripsOf(r.roundTrips.ours), baseline: tripsOf(r.roundTrips.baseline) },
    backends: backendsOf(r.backends),
    targets: targets(r),
    method: {
      latency: "ms from the bench's fetch to the full answer; designs interleaved in alternating blocks",
      create_critical_path:
        "emulator request counters read when the answer arrives, with the next QStash publish, ours' commit script and ours' read of the live pointer held 300 ms each; each counts as critical only if the answer waited for it",
      lag: "ms from a createTask's answer until a list answer contains the task (list polled 1 ms apart)",
      fold: "backlog produced straight into an empty topic, then one signed poke (ours re-pokes itself through QStash; the baseline gets back-to-back pokes, one fetch each); timed until the checkpoint reaches the head",
      burst:
        "N clients each create → 1-4 updates → delete every third, while N×10 signed duplicate pokes reach the projector over ~1.5 s; lag from each answer until the checkpoint (read from Redis) passes its position; Redis commands are REST commands (a script is one) per event in the log",
      floor:
        "a bare one-record POST /produce and a bare EVALSHA of `return 1`, sent by the bench with no worker in between",
    },
    results: {
      create_c1: r.sequential,
      create_concurrent: r.concurrent,
      lag: r.lag,
      list: r.list,
      fold: r.fold,
      burst: r.burst,
      round_trips: r.roundTrips,
    },
  };
}
