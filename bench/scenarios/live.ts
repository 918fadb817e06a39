/**
 * Live updates (ours only): from a mutation's answer until subscribers' `listChanged` deliver it. Subscribers are
 * unmodified `graphql-ws` clients (over the `ws` package) on the command worker in workerd; a writer sends
 * createTask and updateTask on the list over HTTP, one at a time, each timed from its answer until every subscriber
 * has the new version. Reported per setting: the delay to one given subscriber (the "second client": the first one
 * opened, whatever its rank in the delivery) and to every subscriber, p50 and p99, idle and while the burst scenario's load runs on the same workers; and
 * whether any subscriber ever received a task's versions out of order.
 */
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { now, type Summary, summarize } from "../measure";
import type { BenchStack, DesignPair } from "../system";
import { measureBurst } from "./burst";

export interface LiveSetting {
  subscribers: number;
  /** One list, or `lists` lists with the subscribers spread evenly (each change goes to its list's share). */
  lists: number;
}

export interface LiveSizes {
  settings: LiveSetting[];
  /** Timed changes per setting, idle and under load each. */
  samples: number;
  burst: { clients: number; extraPokes: number };
}

export interface LiveRow extends LiveSetting {
  load: "idle" | "burst";
  /** From the answer until one given subscriber of the list (the first opened) had it. */
  first: Summary;
  /** From the answer until each subscriber of the list had it (every delivery is a sample). */
  all: Summary;
  /** Deliveries of a task's version lower than one the subscriber already had. */
  outOfOrder: number;
  /** Changes whose deliveries did not all arrive within the limit (none expected). */
  missed: number;
}

const SUBSCRIBE = `subscription ($listId: String!) { listChanged(listId: $listId) { token tasks { id version } deleted } }`;
const CREATE_LIST = 'mutation { createList(title: "live bench") { id } }';
const CREATE =
  "mutation ($text: String!, $listId: String) { createTask(text: $text, listId: $listId) { id version } }";
const UPDATE = `mutation ($id: String!, $text: String!, $listId: String) {
  updateTask(id: $id, text: $text, done: false, listId: $listId) { id version } }`;
/** How long a change may take to reach every subscriber before it counts as missed. */
const LIMIT_MS = 10_000;

async function graphql(pair: DesignPair, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${pair.commandUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as {
    data?: Record<string, { id: string; version: number }>;
    errors?: unknown[];
  };
  if (!body.data || body.errors) throw new Error(`live bench: ${JSON.stringify(body.errors).slice(0, 300)}`);
  return body.data;
}

/** The subscribers of one list: who has which version of which task, and when it arrived. */
class Watchers {
  private readonly waits = new Map<string, { done: () => void }>();
  private readonly arrivals = new Map<string, Array<{ who: number; at: number }>>();
  private readonly seen: Array<Map<string, number>> = [];
  outOfOrder = 0;
  private readonly disposers: Array<() => Promise<void>> = [];

  /**
   * Opens `count` subscribers on `listId`; resolves once every one has its subscription's opening message, from
   * which on every change reaches it.
   */
  async open(pair: DesignPair, listId: string, count: number): Promise<void> {
    const url = `${pair.commandUrl.replace(/^http/, "ws")}/graphql?listId=${listId}`;
    const opened: Array<Promise<void>> = [];
    for (let i = 0; i < count; i++) {
      let isOpen: () => void = () => undefined;
      let failed: (error: unknown) => void = () => undefined;
      opened.push(
        new Promise<void>((resolve, reject) => {
          isOpen = resolve;
          failed = reject;
        }),
      );
      const seen = new Map<string, number>();
      const who = this.seen.length;
      this.seen.push(seen);
      const client = createClient({
        url,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: () => undefined,
      });
      client.subscribe<{
        listChanged: { token: string | null; tasks: Array<{ id: string; version: number }> };
      }>(
        { query: SUBSCRIBE, variables: { listId } },
        {
          next: (result) => {
            const at = now();
            if (result.data?.listChanged.token === null) isOpen();
            for (const task of result.data?.listChanged.tasks ?? []) {
              if ((seen.get(task.id) ?? 0) > task.version) this.outOfOrder++;
              seen.set(task.id, Math.max(seen.get(task.id) ?? 0, task.version));
              // Kept even when nobody waits yet: a delivery may beat the writer's reading of its answer.
              const key = `${task.id}:${task.version}`;
              const times = this.arrivals.get(key) ?? [];
              times.push({ who, at });
              this.arrivals.set(key, times);
              const wait = this.waits.get(key);
              if (wait && times.length >= this.seen.length) wait.done();
            }
          },
          error: (error) => failed(new Error(`live bench: a subscription failed: ${JSON.stringify(error)}`)),
          complete: () => undefined,
        },
      );
      this.disposers.push(async () => {
        await client.dispose();
      });
    }
    await Promise.all(opened);
  }

  /** Resolves with the arrival times of `id` at `version` at every subscriber (undefined past the limit). */
  expect(id: string, version: number): Promise<Array<{ who: number; at: number }> | undefined> {
    const key = `${id}:${version}`;
    return new Promise((resolve) => {
      const finish = (times: Array<{ who: number; at: number }> | undefined) => {
        clearTimeout(timer);
        this.waits.delete(key);
        resolve(times);
      };
      const timer = setTimeout(() => finish(undefined), LIMIT_MS);
      this.waits.set(key, { done: () => finish(this.arrivals.get(key)) });
      if ((this.arrivals.get(key)?.length ?? 0) >= this.seen.length) finish(this.arrivals.get(key));
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.disposers.map((dispose) => dispose()));
  }
}

/** One setting: its lists and subscribers open, then `samples` changes timed idle and `samples` under load. */
async function measureSetting(
  stack: BenchStack,
  pair: DesignPair,
  setting: LiveSetting,
  sizes: LiveSizes,
  progress: (message: string) => void,
): Promise<LiveRow[]> {
  const lists: Array<{ id: string; watchers: Watchers }> = [];
  for (let i = 0; i < setting.lists; i++) {
    const { createList } = await graphql(pair, CREATE_LIST);
    lists.push({ id: createList?.id ?? "", watchers: new Watchers() });
  }
  const per = Math.max(1, Math.floor(setting.subscribers / setting.lists));
  // Every subscriber's subscription opened: a change made now reaches all of them.
  for (const list of lists) await list.watchers.open(pair, list.id, per);
  const rows: LiveRow[] = [];
  for (const load of ["idle", "burst"] as const) {
    progress(`live: ${setting.subscribers} subscriber(s) on ${setting.lists} list(s), ${load}`);
    let loading = load === "burst";
    const background = (async () => {
      while (loading) await measureBurst(stack, pair, sizes.burst);
    })();
    const first: number[] = [];
    const all: number[] = [];
    let missed = 0;
    const outOfOrderBefore = lists.reduce((n, l) => n + l.watchers.outOfOrder, 0);
    let task: { id: string; version: number } | undefined;
    for (let i = 0; i < sizes.samples; i++) {
      // A create and the update of it on one list, then the next list.
      const list = lists[Math.floor(i / 2) % lists.length];
      if (!list) break;
      // A create, then updates of it: both kinds of change, on a task this list holds.
      const creating = i % 2 === 0 || !task;
      const answer = creating
        ? await graphql(pair, CREATE, { text: `live ${i}`, listId: list.id })
        : await graphql(pair, UPDATE, { id: task?.id, text: `live ${i}`, listId: list.id });
      const answeredAt = now();
      const change = creating ? answer.createTask : answer.updateTask;
      if (!change) throw new Error("live bench: a mutation answered nothing");
      const arrived = list.watchers.expect(change.id, change.version);
      // The answer is timed as it came back; deliveries that beat it count as 0.
      const times = await arrived;
      task = creating ? change : undefined;
      if (!times) {
        missed++;
        continue;
      }
      const delay = (at: number) => Math.max(0, at - answeredAt);
      first.push(delay(times.find((t) => t.who === 0)?.at ?? answeredAt + LIMIT_MS));
      all.push(...times.map((t) => delay(t.at)));
    }
    loading = false;
    await background;
    rows.push({
      ...setting,
      load,
      first: summarize(first),
      all: summarize(all),
      outOfOrder: lists.reduce((n, l) => n + l.watchers.outOfOrder, 0) - outOfOrderBefore,
      missed,
    });
  }
  for (const list of lists) await list.watchers.close();
  return rows;
}

export async function measureLive(
  stack: BenchStack,
  pair: DesignPair,
  sizes: LiveSizes,
  progress: (message: string) => void,
): Promise<LiveRow[]> {
  const rows: LiveRow[] = [];
  for (const setting of sizes.settings)
    rows.push(...(await measureSetting(stack, pair, setting, sizes, progress)));
  return rows;
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");

export function renderLive(rows: LiveRow[]): string {
  const lines = [
    "### Live updates: from a mutation's answer until subscribers have it (ours, ms)",
    "",
    "| subscribers | lists | load | one p50 | one p99 | all p50 | all p99 | samples | out of order | missed |",
    "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.subscribers} | ${r.lists} | ${r.load} | ${ms(r.first.p50)} | ${ms(r.first.p99)} | ${ms(r.all.p50)} | ${ms(r.all.p99)} | ${r.first.n} | ${r.outOfOrder} | ${r.missed} |`,
    ),
    "",
    "Target: one subscriber within 100 ms p99 idle and 250 ms p99 under the burst load, with 100 subscribers.",
    "",
  ];
  return lines.join("\n");
}
