/**
 * Our design on each event log backend: createTask latency at concurrency 1, projection lag, fold throughput and
 * round trips, each backend on a stack set up for it (Redis Streams: redis-server fsyncing before every reply).
 * Backends are measured one after the other, so the figures compare less exactly than the alternating blocks of
 * the main scenarios; the round trips, counted by the emulators, do not drift.
 */
import type { EventLogBackend } from "../shared/config/event-log";
import { createTask, listTasks } from "./client";
import { quiesce } from "./emulators";
import { now, type Summary, sleep, summarize } from "./measure";
import { measureFold } from "./scenarios/fold";
import { measureRoundTrips, type RoundTrips } from "./scenarios/round-trips";
import { type BenchStack, type DesignPair, startBenchStack, startPair } from "./system";

/** The backends with an adapter on the local stack. */
export const BENCH_BACKENDS: readonly EventLogBackend[] = ["upstash-kafka", "redis-streams", "redpanda"];

export interface BackendResult {
  create: Summary;
  lag: Summary;
  fold: { events: number; eventsPerSecond: number; invocations: number };
  roundTrips: RoundTrips;
}

export interface BackendSizes {
  creates: number;
  lags: number;
  foldEvents: number;
}

const LAG_LIMIT_MS = 10_000;

async function creates(stack: BenchStack, pair: DesignPair, n: number): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = now();
    await createTask(pair, `Backend task ${i}`);
    samples.push(now() - start);
    // Untimed: let the projection catch up so its work does not land in the next create.
    if (i % 10 === 9) await quiesce(stack, pair);
  }
  return summarize(samples);
}

async function lags(stack: BenchStack, pair: DesignPair, n: number): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const task = await createTask(pair, `Backend lag ${i}`);
    const acked = now();
    while (!(await listTasks(pair)).some((t) => t.id === task.id)) {
      if (now() - acked > LAG_LIMIT_MS) throw new Error(`task not visible after ${LAG_LIMIT_MS} ms`);
      await sleep(1);
    }
    samples.push(now() - acked);
    await quiesce(stack, pair);
  }
  return summarize(samples);
}

async function measureOn(
  stack: BenchStack,
  backend: EventLogBackend,
  sizes: BackendSizes,
): Promise<BackendResult> {
  const [pair, foldPair] = await Promise.all([
    startPair(stack, "ours", `backend-${backend}`),
    startPair(stack, "ours", `backend-fold-${backend}`),
  ]);
  try {
    const roundTrips = await measureRoundTrips(stack, pair);
    const create = await creates(stack, pair, sizes.creates);
    const lag = await lags(stack, pair, sizes.lags);
    const fold = await measureFold(stack, foldPair, sizes.foldEvents);
    return {
      create,
      lag,
      fold: { events: fold.events, eventsPerSecond: fold.eventsPerSecond, invocations: fold.invocations },
      roundTrips,
    };
  } finally {
    await Promise.allSettled([pair.close(), foldPair.close()]);
  }
}

/**
 * Measures every backend. `main` is the run's stack (set up for upstash-kafka) and is reused for it; the others
 * get a stack of their own, stopped afterwards.
 */
export async function measureBackends(
  main: BenchStack,
  sizes: BackendSizes,
  progress: (message: string) => void,
): Promise<Partial<Record<EventLogBackend, BackendResult>>> {
  const out: Partial<Record<EventLogBackend, BackendResult>> = {};
  for (const backend of BENCH_BACKENDS) {
    progress(
      `event log backend ${backend}: round trips, createTask, lag, fold of ${sizes.foldEvents} events`,
    );
    const stack = backend === "upstash-kafka" ? main : await startBenchStack(backend);
    try {
      out[backend] = await measureOn(stack, backend, sizes);
    } finally {
      if (stack !== main) await stack.stop();
    }
  }
  return out;
}
