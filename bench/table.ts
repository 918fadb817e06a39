/** The Markdown report printed on stdout: machine and versions, the side-by-side table, and missed targets. */
import type { BenchResults } from "./results";
import { type Row, rows } from "./rows";
import { targets } from "./targets";

function table(rs: Row[]): string {
  const head = [
    "| scenario | ours | baseline | ratio (ours / baseline) | target | met? |",
    "|---|---:|---:|---:|---|---|",
  ];
  const body = rs.map(
    (x) => `| ${x.scenario} | ${x.ours} | ${x.baseline} | ${x.ratio} | ${x.target} | ${x.met} |`,
  );
  return [...head, ...body].join("\n");
}

/** Our design on each event log backend: latencies in ms, fold in events/s, round trips counted. */
function backendTable(r: BenchResults): string[] {
  const entries = Object.entries(r.backends);
  if (entries.length === 0) return [];
  const ms = (x: number) => x.toFixed(1);
  return [
    "| event log | createTask p50 / p99 | lag p50 / p99 | fold | round trips: create, update, list, per fold batch |",
    "|---|---:|---:|---:|---|",
    ...entries.map(
      ([name, b]) =>
        `| ${name} | ${ms(b.create.p50)} / ${ms(b.create.p99)} ms | ${ms(b.lag.p50)} / ${ms(b.lag.p99)} ms | ` +
        `${Math.round(b.fold.eventsPerSecond).toLocaleString("en-US")}/s | ` +
        `${b.roundTrips.create.critical}, ${b.roundTrips.update.critical}, ${b.roundTrips.list}, ${b.roundTrips.foldBatch} |`,
    ),
    "",
  ];
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const versions = Object.entries(m.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const stalls = r.sequential.baselineStalls + r.concurrent.baselineStalls;
  const lines = [
    `## Benchmarks (${r.mode} run, ${m.date.slice(0, 10)})`,
    "",
    `${m.host.cpus} × ${m.host.cpuModel}, ${m.host.memoryGiB} GiB, ${m.host.platform} ${m.host.release}; ` +
      `load average ${m.load.start.toFixed(2)} at start, ${(m.load.end ?? 0).toFixed(2)} at end; ` +
      `commit ${m.commit}; ${r.durationS.toFixed(0)} s.`,
    `Versions: ${versions}.`,
    "",
    table(rows(r)),
    "",
    ...backendTable(r),
  ];
  const missed = targets(r).filter((t) => !t.met);
  if (missed.length > 0) {
    lines.push("Targets missed:", "");
    for (const t of missed) lines.push(`- \`${t.key}\` = ${t.value} (target ${t.target}): ${t.why ?? ""}`);
    lines.push("");
  }
  if (stalls > 0) {
    lines.push(
      `The baseline's projector stopped behind the log head ${stalls} time(s) after racing pokes (its offset is ` +
        "written by a non-atomic pipeline); the bench poked it again, as the next mutation would.",
      "",
    );
  }
  return `${lines.join("\n")}\n`;
}
