/**
 * `npm run bench -- --creates`: createTask one at a time on several sides in the same alternation (the order flips
 * every round), each side a pair of workers on a stack of its own or shared: the baseline and ours on Kafka REST,
 * and ours on Redis Streams in the projection's database (the deploy guide's log). Each block's cost is measured
 * until its projection is done (CostMeter: requests and CPU per process kind), so a side's CPU per create includes
 * its fold, and the projection is let catch up between blocks (untimed).
 */
import { createTask } from "../client";
import { CostMeter, type CostPerOp } from "../cost";
import { quiesce } from "../emulators";
import { interleave, now, type Summary, summarize } from "../measure";
import type { BenchStack, DesignPair } from "../system";

export interface CreateSide {
  name: string;
  stack: BenchStack;
  pair: DesignPair;
}

export interface CreateSideResult {
  name: string;
  latency: Summary;
  cost: CostPerOp;
}

let created = 0;

export async function measureCreateSides(
  sides: readonly CreateSide[],
  opts: { rounds: number; perBlock: number; warmUp: number },
): Promise<CreateSideResult[]> {
  for (const side of sides) {
    for (let i = 0; i < opts.warmUp; i++) await createTask(side.pair, `Warm-up ${++created}`);
    await quiesce(side.stack, side.pair);
  }
  const samples = new Map<string, number[]>(sides.map((s) => [s.name, []]));
  const meters = new Map(sides.map((s) => [s.name, new CostMeter(s.stack)]));
  const byName = new Map(sides.map((s) => [s.name, s]));
  await interleave(
    opts.rounds,
    sides.map((s) => s.name),
    async (name) => {
      const side = byName.get(name);
      const meter = meters.get(name);
      if (!side || !meter) throw new Error(`no side ${name}`);
      await meter.measure(opts.perBlock, async () => {
        for (let i = 0; i < opts.perBlock; i++) {
          const start = now();
          await createTask(side.pair, `Bench task ${++created}`);
          samples.get(name)?.push(now() - start);
        }
      });
      await quiesce(side.stack, side.pair);
    },
  );
  return sides.map((s) => ({
    name: s.name,
    latency: summarize(samples.get(s.name) ?? []),
    cost: meters.get(s.name)?.perOp() ?? { ops: 0, requests: 0 },
  }));
}

/** The sides as a Markdown table, each ratio against the first side (the baseline). */
export function renderCreateSides(results: readonly CreateSideResult[], load: number): string {
  const [base] = results;
  const all = (c: CostPerOp) => (c.cpu ? c.cpu.workerd + c.cpu.emulators + c.cpu.redis : Number.NaN);
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : "n/a");
  const rows = results.map((r) => {
    const cpu = r.cost.cpu;
    const cells = [
      r.name,
      `${r.latency.p50.toFixed(2)} ms (${base ? ratio(r.latency.p50, base.latency.p50) : "n/a"})`,
      cpu && base?.cost.cpu ? `${cpu.workerd} ms (${ratio(cpu.workerd, base.cost.cpu.workerd)})` : "n/a",
      base ? `${all(r.cost).toFixed(2)} ms (${ratio(all(r.cost), all(base.cost))})` : "n/a",
      `${r.cost.requests}`,
    ];
    return `| ${cells.join(" | ")} |`;
  });
  return (
    `createTask one at a time, load average ${load.toFixed(2)} at the end; ratios against ${base?.name}\n\n` +
    "| side | p50 | workerd CPU per create with its projection | all CPU (workerd, emulators, redis-server) | requests per create |\n" +
    "|---|---:|---:|---:|---:|\n" +
    `${rows.join("\n")}\n`
  );
}
