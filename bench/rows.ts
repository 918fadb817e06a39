/** The rows of the side-by-side table: scenario, ours, baseline, ratio, target, met. */
import type { CostPerOp } from "./cost";
import type { Summary } from "./measure";
import { foldRate, ratios } from "./ratios";
import type { BenchResults } from "./results";
import { HOSTED_PUBLISH_MS } from "./scenarios/create";
import { type Target, targets } from "./targets";

export interface Row {
  scenario: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  met: string;
}

const msText = (n: number) => `${n.toFixed(1)} ms`;
const rateText = (n: number) => `${Math.round(n).toLocaleString("en-US")}/s`;
const ratioText = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(2));
const count = (n: number) => n.toLocaleString("en-US");

/** CPU the system spent: workers, emulators, redis-server (not the load generator). */
function systemCpu(cost: CostPerOp): number | undefined {
  return cost.cpu ? cost.cpu.workerd + cost.cpu.emulators + cost.cpu.redis : undefined;
}

export function rows(r: BenchResults): Row[] {
  const q = ratios(r);
  const byKey = new Map(targets(r).map((t) => [t.key, t]));
  const { sequential: seq, concurrent: conc, lag } = r;
  const ours = r.roundTrips.ours;
  const base = r.roundTrips.baseline;
  const c = conc.concurrency;
  const out: Row[] = [];

  const add = (
    scenario: string,
    o: string,
    b: string,
    ratio: number | undefined,
    key?: string,
    text?: string,
  ) => {
    const target: Target | undefined = key ? byKey.get(key) : undefined;
    out.push({
      scenario,
      ours: o,
      baseline: b,
      ratio: ratioText(ratio),
      target: text ?? target?.target ?? "",
      met: target ? (target.met ? "yes" : "**no**") : "",
    });
  };
  const latency = (scenario: string, o: Summary, b: Summary, pick: "p50" | "p99", key?: string) =>
    add(scenario, msText(o[pick]), msText(b[pick]), o[pick] / b[pick], key);
  const trips = (scenario: string, o: number, b: number, key?: string) =>
    add(`round trips: ${scenario}`, `${o}`, `${b}`, b === 0 ? undefined : o / b, key);
  const cost = (label: string, o: CostPerOp, b: CostPerOp) => {
    add(
      `requests per createTask with its projection, ${label}`,
      o.requests.toFixed(1),
      b.requests.toFixed(1),
      o.requests / b.requests,
    );
    const co = systemCpu(o);
    const cb = systemCpu(b);
    if (co !== undefined && cb !== undefined)
      add(
        `CPU per createTask with its projection (workers + emulators + redis-server), ${label}`,
        msText(co),
        msText(cb),
        co / cb,
      );
  };

  latency("createTask p50, concurrency 1", seq.ours, seq.baseline, "p50", "ratios.create_p50");
  latency("createTask p99, concurrency 1", seq.ours, seq.baseline, "p99");
  latency(
    "createTask p50, one at a time on a quiet system",
    lag.quietCreate.ours,
    lag.quietCreate.baseline,
    "p50",
  );
  latency(
    `createTask p50, concurrency 1, every publish held ${HOSTED_PUBLISH_MS} ms (hosted QStash stand-in)`,
    seq.oursHostedQStash,
    seq.baselineHostedQStash,
    "p50",
  );
  latency(`createTask p50, concurrency ${c}`, conc.ours.latency, conc.baseline.latency, "p50");
  latency(`createTask p99, concurrency ${c}`, conc.ours.latency, conc.baseline.latency, "p99");
  add(
    `createTask throughput, concurrency ${c}`,
    rateText(conc.ours.perSecond),
    rateText(conc.baseline.perSecond),
    q.create_throughput,
  );
  cost("concurrency 1", seq.cost.ours, seq.cost.baseline);
  cost(`concurrency ${c}`, conc.ours.cost, conc.baseline.cost);
  add(
    "projection lag p50 (answer → visible in list)",
    msText(lag.ours.p50),
    msText(lag.baseline.p50),
    q.lag_p50,
    "lag_p50_ms",
    "ours < 50 ms",
  );
  latency("projection lag p99", lag.ours, lag.baseline, "p99");
  add(
    `fold throughput, ${count(r.fold.ours[0]?.events ?? 0)}-event backlog from offset 0 (events/s)`,
    rateText(foldRate(r.fold.ours)),
    rateText(foldRate(r.fold.baseline)),
    q.fold_events_per_s,
    "fold_events_per_s",
    "ours ≥ 20,000/s",
  );
  for (const size of r.list) {
    const label = `${Math.round(size.tasks / 1000)}k`;
    latency(
      `list p50, ${count(size.tasks)} tasks`,
      size.ours,
      size.baseline,
      "p50",
      `ratios.list_${label}_p50`,
    );
    latency(`list p99, ${count(size.tasks)} tasks`, size.ours, size.baseline, "p99");
  }
  trips("createTask, critical path", ours.create.critical, base.create.critical, "round_trips.create");
  trips("createTask, command worker in total", ours.create.commandTotal, base.create.commandTotal);
  trips("createTask, with its projection", ours.create.withProjection, base.create.withProjection);
  trips("updateTask, critical path", ours.update.critical, base.update.critical);
  trips("deleteTask, critical path", ours.delete.critical, base.delete.critical);
  trips("list", ours.list, base.list, "round_trips.list");
  trips("per fold batch of 500 events", ours.foldBatch, base.foldBatch);
  add(
    `floor: createTask p50 ÷ bare produce p50 (${msText(seq.floorProduce.p50)})`,
    ratioText(q.create_p50_vs_floor),
    ratioText(q.baseline_create_p50_vs_floor),
    q.create_p50_vs_floor,
    "ratios.create_p50_vs_floor",
    "ours ≤ 1.5",
  );
  add(
    `floor: createTask p50 ÷ (bare produce + bare hop to a worker) p50 (${msText(seq.floorProduce.p50)} + ${msText(seq.floorHop.p50)})`,
    ratioText(q.create_p50_vs_floor_and_hop),
    ratioText(seq.baseline.p50 / (seq.floorProduce.p50 + seq.floorHop.p50)),
    q.create_p50_vs_floor_and_hop,
  );
  add(
    `floor: createTask p50 ÷ bare append worker p50 (${msText(seq.floorAppend.p50)}: one record through our adapter, from inside workerd)`,
    ratioText(q.create_p50_vs_bare_append),
    ratioText(seq.baseline.p50 / seq.floorAppend.p50),
    q.create_p50_vs_bare_append,
    "ratios.create_p50_vs_bare_append",
    "ours ≤ 1.3",
  );
  for (const [i, o] of r.burst.ours.entries()) {
    const b = r.burst.baseline[i];
    if (!b) continue;
    const label = `burst ${o.clients} writers + ${o.extraPokes} pokes`;
    const key = i === 0 ? "burst" : `burst_x${i + 1}`;
    add(
      `${label}: mutation errors / ${o.mutations}`,
      `${o.errors}`,
      `${b.errors}`,
      undefined,
      `${key}.errors`,
    );
    add(`${label}: pokes answered 5xx`, `${o.pokes5xx}`, `${b.pokes5xx}`, undefined, `${key}.pokes_5xx`);
    latency(`${label}: write p50`, o.writeMs, b.writeMs, "p50");
    latency(`${label}: write p99`, o.writeMs, b.writeMs, "p99");
    add(`${label}: lag p99`, o.lagMs ? msText(o.lagMs.p99) : "–", "–", undefined, `${key}.lag_p99_ms`);
    add(
      `${label}: converged after last answer (exact)`,
      `${msText(o.convergedAfterMs)} (${o.exact ? "yes" : "no"})`,
      `${msText(b.convergedAfterMs)} (${b.exact ? "yes" : "no"})`,
      undefined,
      `${key}.converged_ms`,
    );
    add(
      `${label}: fold batches lost / applied`,
      o.folds ? `${o.folds.lost} / ${o.folds.applied}` : "–",
      "–",
      undefined,
      `${key}.lost_cas_share`,
    );
    add(
      `${label}: Redis commands per event`,
      o.redisCommandsPerEvent.toFixed(2),
      b.redisCommandsPerEvent.toFixed(2),
      o.redisCommandsPerEvent / b.redisCommandsPerEvent,
    );
  }
  const l1 = r.list.find((s) => s.tasks === 1_000);
  if (l1) {
    add(
      `floor: list p50 (1,000 tasks) ÷ bare script p50 (${msText(l1.floorScript.p50)})`,
      ratioText(q.list_1k_p50_vs_floor),
      ratioText(l1.baseline.p50 / l1.floorScript.p50),
      q.list_1k_p50_vs_floor,
    );
  }
  return out;
}
