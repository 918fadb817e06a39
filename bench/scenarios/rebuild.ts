/**
 * Rebuild throughput against the normal fold, on our design only (the baseline has no rebuild): a backlog written
 * straight into an empty topic is folded by the live projection (one poke, then the projector's own re-pokes), and
 * then rebuilt from offset 0 into a new namespace (`POST /rebuild`, chunks continued through QStash), timed until
 * the switch. Both are events of the log per second of wall time, on the same workers and budget.
 */
import { buildBacklog, produceBacklog } from "../backlog";
import { poke } from "../client";
import { checkpoint, logHead, qstashIdle } from "../emulators";
import { now, sleep } from "../measure";
import type { BenchStack, DesignPair } from "../system";

export interface RebuildResult {
  events: number;
  fold: { ms: number; eventsPerSecond: number };
  rebuild: { ms: number; eventsPerSecond: number };
  /** Rebuild speed over fold speed. */
  ratio: number;
}

const POLL_MS = 10;
const LIMIT_MS = 300_000;

async function waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
  const start = now();
  while (!(await done())) {
    if (now() - start > LIMIT_MS) throw new Error(`${what} not done after ${LIMIT_MS} ms`);
    await sleep(POLL_MS);
  }
}

async function adminJson(pair: DesignPair, path: string, method = "GET"): Promise<Record<string, unknown>> {
  const res = await fetch(`${pair.projectorUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${pair.env.ADMIN_TOKEN ?? ""}` },
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Folds then rebuilds a backlog of `events` records with `pair` (ours); closes the pair. */
export async function measureRebuild(
  stack: BenchStack,
  pair: DesignPair,
  events: number,
): Promise<RebuildResult> {
  try {
    await produceBacklog(pair, buildBacklog("ours", { events, updateEvery: 5 }, "rebuild"));
    const head = await logHead(pair);
    if (head !== events) throw new Error(`expected ${events} records in ${pair.topic}, found ${head}`);

    const foldStart = now();
    await poke(pair);
    await waitFor("fold", async () => (await checkpoint(pair)) >= head);
    const foldMs = now() - foldStart;
    await qstashIdle(stack);

    const rebuildStart = now();
    const started = await adminJson(pair, "/rebuild", "POST");
    await waitFor("rebuild", async () => {
      const status = await adminJson(pair, "/status");
      return status.namespace === started.namespace;
    });
    const rebuildMs = now() - rebuildStart;
    await qstashIdle(stack);
    const fold = { ms: foldMs, eventsPerSecond: (head / foldMs) * 1000 };
    const rebuild = { ms: rebuildMs, eventsPerSecond: (head / rebuildMs) * 1000 };
    return { events, fold, rebuild, ratio: rebuild.eventsPerSecond / fold.eventsPerSecond };
  } finally {
    await pair.close();
  }
}

/** The scenario as a Markdown section. */
export function renderRebuild(r: RebuildResult): string {
  const rate = (n: number) => Math.round(n).toLocaleString("en-US");
  return [
    "",
    `### Rebuild of ${r.events.toLocaleString("en-US")} events (ours)`,
    "",
    "| | ms | events/s |",
    "| --- | ---: | ---: |",
    `| normal fold (live namespace) | ${Math.round(r.fold.ms)} | ${rate(r.fold.eventsPerSecond)} |`,
    `| rebuild (new namespace, until the switch) | ${Math.round(r.rebuild.ms)} | ${rate(r.rebuild.eventsPerSecond)} |`,
    "",
    `Rebuild speed is ${r.ratio.toFixed(2)}× the normal fold's.`,
    "",
  ].join("\n");
}
