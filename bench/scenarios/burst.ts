/**
 * A burst of writes and pokes, as a new user's load test would make it: `clients` concurrent clients each create a
 * task, update it one to four times and delete every third, while `extraPokes` validly signed duplicate pokes
 * reach the projector over about 1.5 s (what a burst of that many writes would send). Reported per design:
 * mutation errors, write latency, projection lag (ours: from each write's answer until the checkpoint passes its
 * position), how long after the last answer the projection reached the log head, pokes answered 5xx, fold batches
 * applied against lost compare-and-sets, and Redis commands per event in the log (every REST command counted by
 * the emulator, from both workers; a script is one command, as Upstash bills it).
 */
import { randomUUID } from "node:crypto";
import { signPoke } from "../client";
import { checkpoint, logHead, qstashIdle } from "../emulators";
import { now, type Summary, sleep, summarize, until } from "../measure";
import type { BenchStack, Design, DesignPair } from "../system";

export interface BurstSize {
  clients: number;
  extraPokes: number;
}

export interface BurstResult extends BurstSize {
  mutations: number;
  errors: number;
  /** The first few error messages, for the report. */
  errorSamples: string[];
  writeMs: Summary;
  /** Ours only: the baseline answers no position. */
  lagMs?: Summary;
  /** From the last acknowledged write until the projection reached the log head. */
  convergedAfterMs: number;
  /** Whether the projection then listed exactly the acknowledged writes. */
  exact: boolean;
  pokes5xx: number;
  /** Ours only: fold batches applied, and folds that lost the checkpoint compare-and-set. */
  folds?: { applied: number; lost: number };
  events: number;
  redisCommandsPerEvent: number;
  wallMs: number;
}

const CREATE = "mutation ($text: String!) { createTask(text: $text) { id } }";
const UPDATE =
  "mutation ($id: String!, $text: String!, $done: Boolean!) { updateTask(id: $id, text: $text, done: $done) { id } }";
const DELETE = "mutation ($id: String!) { deleteTask(id: $id) }";
const LIST = "query { list { id text done } }";

interface Answer {
  ok: boolean;
  error?: string;
  data?: Record<string, unknown>;
  /** `partition:offset` of ours' last event. */
  token?: string;
}

async function send(pair: DesignPair, query: string, variables: Record<string, unknown>): Promise<Answer> {
  try {
    const res = await fetch(`${pair.commandUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as {
      data?: Record<string, unknown>;
      errors?: Array<{ message: string }>;
    };
    const token = res.headers.get("x-consistency-token") ?? undefined;
    if (!res.ok || body.errors || !body.data)
      return { ok: false, error: `${res.status} ${body.errors?.[0]?.message ?? ""}`.slice(0, 200) };
    return { ok: true, data: body.data, ...(token !== undefined && { token }) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

async function redisCommands(stack: BenchStack, method: "GET" | "DELETE"): Promise<number> {
  const res = await fetch(`${stack.urls.redis}/__emulator/commands`, { method });
  const { commands } = (await res.json()) as { commands?: Record<string, number> };
  return Object.values(commands ?? {}).reduce((a, b) => a + b, 0);
}

/** The fold counters, read fresh: with the admin token, as the public answer is cached for a few seconds. */
async function oursFolds(pair: DesignPair): Promise<{ applied: number; lost: number }> {
  const res = await fetch(`${pair.projectorUrl}/status`, {
    headers: { authorization: `Bearer ${pair.env.ADMIN_TOKEN ?? ""}` },
  });
  const status = (await res.json()) as { folds?: { applied: number; lost: number } };
  return status.folds ?? { applied: 0, lost: 0 };
}

export async function measureBurst(
  stack: BenchStack,
  pair: DesignPair,
  size: BurstSize,
): Promise<BurstResult> {
  const design: Design = pair.design;
  const headBefore = await logHead(pair);
  const foldsBefore = design === "ours" ? await oursFolds(pair) : undefined;
  await redisCommands(stack, "DELETE");
  const writeMs: number[] = [];
  const lagMs: number[] = [];
  const errors: string[] = [];
  const expected = new Map<string, { text: string; done: boolean } | null>();
  const waiting: Array<{ offset: number; acked: number }> = [];
  let mutations = 0;
  let lastAck = 0;

  const mutate = async (query: string, variables: Record<string, unknown>): Promise<Answer> => {
    mutations++;
    const sent = now();
    const answer = await send(pair, query, variables);
    const acked = now();
    if (!answer.ok) {
      errors.push(answer.error ?? "unknown");
      return answer;
    }
    writeMs.push(acked - sent);
    lastAck = Math.max(lastAck, acked);
    const offset = Number(answer.token?.split(":")[1]);
    if (Number.isFinite(offset)) waiting.push({ offset, acked });
    return answer;
  };

  const lifecycle = async (client: number) => {
    const text = `burst ${client}`;
    const created = await mutate(CREATE, { text });
    const id = (created.data?.createTask as { id?: string } | undefined)?.id;
    if (!id) return;
    expected.set(id, { text, done: false });
    for (let u = 0; u < 1 + (client % 4); u++) {
      const next = { text: `${text} rev ${u + 1}`, done: u % 2 === 0 };
      if ((await mutate(UPDATE, { id, ...next })).ok) expected.set(id, next);
    }
    if (client % 3 === 0 && (await mutate(DELETE, { id })).ok) expected.set(id, null);
  };

  let pokes5xx = 0;
  const storm = async () => {
    const pending: Promise<void>[] = [];
    const spacing = 1500 / Math.max(1, size.extraPokes / 10);
    for (let i = 0; i < size.extraPokes; i++) {
      const body = JSON.stringify({ partition: 0, offset: i, reason: "storm", id: randomUUID() });
      pending.push(
        fetch(pair.webhook, {
          method: "POST",
          headers: { "content-type": "application/json", "upstash-signature": signPoke(pair, body) },
          body,
        }).then(
          async (res) => {
            await res.arrayBuffer();
            if (res.status >= 500) pokes5xx++;
          },
          () => {
            pokes5xx++;
          },
        ),
      );
      if (i % 10 === 9) await sleep(spacing);
    }
    await Promise.all(pending);
  };

  // Ours' lag: the checkpoint polled straight from Redis (no worker in between) until it passes each write. Each poll
  // is one Redis command, subtracted from the counts below.
  let stop = false;
  let polls = 0;
  const lagWatch = async () => {
    while (!stop || waiting.length > 0) {
      const at = now();
      polls++;
      const cp = await checkpoint(pair);
      for (let i = waiting.length - 1; i >= 0; i--) {
        const w = waiting[i];
        if (w && cp > w.offset) {
          lagMs.push(at - w.acked);
          waiting.splice(i, 1);
        }
      }
      if (stop && at - lastAck > 30_000) break;
      await sleep(5);
    }
  };

  const started = now();
  const watching = design === "ours" ? lagWatch() : Promise.resolve();
  await Promise.all([storm(), ...Array.from({ length: size.clients }, (_, c) => lifecycle(c))]);
  stop = true;
  const head = await logHead(pair);
  await until(
    `${design} projection to reach the head after the burst`,
    async () => {
      polls++;
      return (await checkpoint(pair)) >= head ? true : undefined;
    },
    { limitMs: 120_000, everyMs: 5 },
  );
  const convergedAfterMs = now() - lastAck;
  await watching;
  await qstashIdle(stack);
  const wallMs = now() - started;

  const listed = await send(pair, LIST, {});
  const got = new Map(
    ((listed.data?.list as Array<{ id: string; text: string; done: boolean }> | undefined) ?? []).map((t) => [
      t.id,
      { text: t.text, done: t.done },
    ]),
  );
  const want = [...expected].filter(([, v]) => v !== null);
  const exact =
    got.size === want.length && want.every(([id, v]) => JSON.stringify(got.get(id)) === JSON.stringify(v));
  const events = head - headBefore;
  const foldsAfter = design === "ours" ? await oursFolds(pair) : undefined;
  return {
    ...size,
    mutations,
    errors: errors.length,
    errorSamples: errors.slice(0, 3),
    writeMs: summarize(writeMs),
    ...(design === "ours" && { lagMs: summarize(lagMs) }),
    convergedAfterMs,
    exact,
    pokes5xx,
    ...(foldsAfter &&
      foldsBefore && {
        folds: {
          applied: foldsAfter.applied - foldsBefore.applied,
          lost: foldsAfter.lost - foldsBefore.lost,
        },
      }),
    events,
    redisCommandsPerEvent: events > 0 ? ((await redisCommands(stack, "GET")) - polls) / events : Number.NaN,
    wallMs,
  };
}
