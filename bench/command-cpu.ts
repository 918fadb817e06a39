/**
 * A micro-benchmark of the command worker's own CPU per `createTask`, in process: the app's fetch handler
 * (`createCommandApp().request`) on the in-memory adapters, and on the real adapters (Upstash Redis, Upstash Kafka,
 * QStash clients) over a fake `fetch` that answers at once what the emulators answer. No I/O, no projector: what is
 * left is what Cloudflare bills the command worker for (parsing, validation, cost, resolvers, adapters, encoding).
 * The two sides run in alternating blocks; each figure is the median of the blocks' CPU time (user + system of this
 * process) per create, which the machine's other load disturbs less than wall time.
 * Usage: `npx tsx bench/command-cpu.ts [creates per block] [blocks per side]`; `--cpu-prof` on node for a profile.
 */
import { createMemoryEventLog } from "../shared/event-log/memory/event-log";
import { createMemoryListRegistry } from "../shared/lists/memory/registry";
import { createMemoryReadModel } from "../shared/projection/memory/read-model";
import { createMemoryState } from "../shared/projection/memory/state";
import { createMemoryIdempotency } from "../shared/write-guard/memory/idempotency";
import { createMemoryWriteGuard } from "../shared/write-guard/memory/write-guard";
import { DEFAULT_MAX_LIST_TASKS } from "../workers/command/access";
import { createCommandApp } from "../workers/command/app";
import { bodyOf, FAKE_BINDINGS, fakeAnswer, graphqlSender } from "./fake-upstash";
import { cpuPerCall, median } from "./measure";

const perBlock = Number(process.argv[2] ?? 200);
const blocks = Number(process.argv[3] ?? 15);

const CREATE = "mutation ($text: String!) { createTask(text: $text) { id text done } }";
const unlimited = { limit: async () => ({ success: true }) };

type Send = (text: string) => Promise<number>;

/** Sends creates to `app` with `env`, awaiting each one's background work (its commit and poke) before the next. */
function sender(app: ReturnType<typeof createCommandApp>, env: Record<string, unknown>): Send {
  const send = graphqlSender(app, env);
  return async (text) => (await send({ query: CREATE, variables: { text } })).status;
}

/** The app over the in-memory adapters (as the command-service specifications build it), pokes dropped. */
function memorySide(): Send {
  const state = createMemoryState();
  const readModel = createMemoryReadModel(state);
  const app = createCommandApp({
    deps: {
      log: createMemoryEventLog({ partitions: 1, timeoutMs: 5000 }),
      reservationTtlMs: 30_000,
      live: async () => ({ namespace: "bench", store: readModel, guard: createMemoryWriteGuard(state) }),
      idempotency: createMemoryIdempotency(state),
      lists: createMemoryListRegistry(),
      defaultList: { kind: "open" },
      maxListTasks: DEFAULT_MAX_LIST_TASKS,
      notifier: { poke: async () => {}, pokeMany: async () => {} },
      rebuildStatus: async (namespace) => ({ namespace, rebuild: null, lastRebuild: null, retiring: [] }),
    },
  });
  return sender(app, { REQUEST_LIMITER: unlimited, MUTATION_LIMITER: unlimited });
}

const offsets = { next: 0 };

/** Answers the Upstash REST, Kafka REST and QStash requests of a create without leaving the process. */
async function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const answer = fakeAnswer(new URL(request.url), bodyOf(await request.text()), offsets);
  if (answer === undefined) throw new Error(`no fake answer for ${request.method} ${request.url}`);
  return Response.json(answer);
}

/** The app over the adapters the worker builds from its bindings, per request, with `fetch` faked. */
function realSide(): Send {
  const env = { ...FAKE_BINDINGS, REQUEST_LIMITER: unlimited, MUTATION_LIMITER: unlimited };
  return sender(createCommandApp(), env);
}

/** CPU ms per create of `n` creates through `send`. */
function block(send: Send, n: number): Promise<number> {
  return cpuPerCall(n, async (i) => {
    const status = await send(`bench task ${i}`);
    if (status !== 200) throw new Error(`createTask answered ${status}`);
  });
}

globalThis.fetch = fakeFetch;
// The worker's log lines are built as in production (JSON.stringify) but not written: the console is not the worker's.
console.log = () => {};
const sides = { memory: memorySide(), real: realSide() };
const times: Record<keyof typeof sides, number[]> = { memory: [], real: [] };
for (const send of Object.values(sides)) await block(send, perBlock); // warm-up: JIT, first-use caches
for (let round = 0; round < blocks; round++) {
  const order = round % 2 ? (["real", "memory"] as const) : (["memory", "real"] as const);
  for (const side of order) times[side].push(await block(sides[side], perBlock));
}
const us = (ms: number) => `${Math.round(ms * 1000)} µs`;
process.stdout.write(
  `createTask CPU per request (median of ${blocks} blocks of ${perBlock}; min in brackets)\n` +
    `  in-memory adapters: ${us(median(times.memory))} (${us(Math.min(...times.memory))})\n` +
    `  real adapters, fake fetch: ${us(median(times.real))} (${us(Math.min(...times.real))})\n`,
);
