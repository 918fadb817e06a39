/** The model's JSON: the `model` section of bench/results/latest.json for a `--model` run. */
import type { MachineInfo } from "../machine";
import { round } from "../ratios";
import type { ModelResult } from "./index";

export function modelJson(r: ModelResult, machine: MachineInfo, durationS: number) {
  return {
    mode: "model",
    date: machine.date,
    duration_s: round(durationS, 1),
    machine,
    model: {
      workload: r.workload,
      method: {
        counts:
          "each operation alone on a quiet local stack, end to end (command worker and projector); Redis commands counted by a pass-through proxy the workers talk to (a pipeline of N commands is N), log and QStash requests by the emulators; the poke's delivery is held until the command worker's publish is counted, which separates the two workers' subrequests",
        fold: "requests of folding 3 batches minus 1 batch, halved, per batch; the rest per invocation; fold rate from the fold scenario with tasks of the workload's size",
        derived:
          "redis-streams and redpanda rows map each measured Upstash Kafka REST request to one Redis command (append: one EVALSHA, read: one XRANGE, head: one XREVRANGE per partition, as the Redis Streams adapter sends them) or one HTTP Proxy request; they are derived, not measured",
        live_load:
          "one poke per write folded alone is the upper bound; coalesced pokes under load fold several events per invocation (the fold rows give the lower bound)",
        cpu: "Workers CPU is the CPU of the workerd processes on this machine (Miniflare included): an upper bound",
      },
      counts: r.counts,
      fold: r.fold,
      per_backend: r.rows.map((row) => ({
        design: row.design,
        backend: row.backend,
        derivation: row.capacity.derivation,
        capacity: row.capacity,
        monthly_cost_usd: row.cost,
        limits: row.limits,
      })),
      redis_streams_ceiling: r.redisStreamsCeiling,
      events_per_projector_invocation: r.eventsPerInvocation,
      prices: r.prices,
    },
  };
}
