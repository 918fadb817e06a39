/**
 * The model-based random test's pieces that need no running system: a seeded PRNG (mulberry32), a small
 * in-memory model of the to-do list (what docs/architecture.md#the-write-side says each mutation does), and the generator of random
 * operations with the outcome the model predicts for each.
 */
import { randomInt } from "node:crypto";
import type { TaskView } from "./command-support";

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(items.length)];
      if (item === undefined) throw new Error("pick from an empty list");
      return item;
    },
    chance: (p) => next() < p,
  };
}

/** A random (version 4) UUID drawn from `r`, so that a replayed sequence asks for the same unknown ids. */
export function uuid(r: Rng): string {
  const hex = Array.from({ length: 32 }, () => r.int(16).toString(16));
  hex[12] = "4";
  hex[16] = (8 + r.int(4)).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The run's seed: `GUARANTEES_SEED` (a 32-bit unsigned integer) when set, else a random one. */
export function runSeed(env: Record<string, string | undefined> = process.env): {
  seed: number;
  fixed: boolean;
} {
  const raw = env.GUARANTEES_SEED;
  if (raw === undefined || raw === "") return { seed: randomInt(2 ** 32), fixed: false };
  if (!/^\d+$/.test(raw) || Number(raw) >= 2 ** 32)
    throw new Error(`GUARANTEES_SEED must be 0 to 4294967295, got ${raw}`);
  return { seed: Number(raw), fixed: true };
}

export interface HistoryEntry {
  type: string;
  version: number;
  text: string | null;
}

/** A task as the model holds it: what the worker answers, and what the model knows besides. */
export interface ModelTask extends TaskView {
  deleted: boolean;
  history: HistoryEntry[];
}

/** What a mutation must answer: its error code, or OK with the event types it appends. */
export type Prediction = { code: "OK"; events: string[] } | { code: string; message?: string };

export type Mutation =
  | { kind: "create"; text: string }
  | { kind: "update"; id: string; text: string; done: boolean; expectedVersion: number | null }
  | { kind: "delete"; id: string; expectedVersion: number | null };

export type Op =
  | { kind: "mutate"; mutation: Mutation }
  /** The next write of `mutation` is refused: the append (kafka) answers 429, or the reservation (redis) 503. */
  | { kind: "fail-write"; service: "kafka" | "redis"; mutation: Mutation }
  | { kind: "poke" }
  /** A poke whose signature must not verify: it must be turned away (401) and fold nothing. */
  | { kind: "forged-poke"; forgery: "unsigned" | "foreign key" | "other body" }
  | { kind: "cron" }
  | { kind: "delivery-fault"; fault: "drop" | "duplicate" | "delay"; count: number; ms: number }
  | { kind: "fold-fault"; count: number };

const INVALID_TEXTS = ["", " \t\n ", "x".repeat(1001), "bell\u0007", "cr\rlf", "lone \ud800"];
const PIECES = [
  "dishes",
  "milk",
  "😀",
  "ünïcödé",
  "tab\there",
  "two\nlines",
  '"quoted"',
  "back\\slash",
  "日本",
];

/** Tasks of one sequence, in creation order, as the design says the system must show them. */
export class TodoModel {
  readonly tasks: ModelTask[] = [];
  private counter = 0;

  constructor(readonly tag: string) {}

  text(r: Rng): string {
    const words = Array.from({ length: 1 + r.int(3) }, () => r.pick(PIECES));
    return `${this.tag} #${++this.counter} ${words.join(" ")}`;
  }

  find(id: string): ModelTask | undefined {
    return this.tasks.find((t) => t.id === id);
  }

  /** Active tasks, in creation order: what `list` must show of this sequence. */
  active(): ModelTask[] {
    return this.tasks.filter((t) => !t.deleted);
  }

  predict(m: Mutation): Prediction {
    const valid = (text: string) => !INVALID_TEXTS.includes(text);
    if (m.kind === "create")
      return valid(m.text) ? { code: "OK", events: ["TaskCreated"] } : { code: "BAD_USER_INPUT" };
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(m.id))
      return { code: "BAD_USER_INPUT" };
    if (m.kind === "update" && !valid(m.text)) return { code: "BAD_USER_INPUT" };
    if (m.expectedVersion !== null && m.expectedVersion < 0) return { code: "BAD_USER_INPUT" };
    const task = this.find(m.id);
    if (!task) return { code: "NOT_FOUND", message: `task ${m.id} does not exist` };
    if (task.deleted) return { code: "NOT_FOUND", message: `task ${m.id} has been deleted` };
    if (m.expectedVersion !== null && m.expectedVersion !== task.version) {
      return {
        code: "CONFLICT",
        message: `task ${m.id} is at version ${task.version}, not the expected version ${m.expectedVersion}`,
      };
    }
    if (m.kind === "delete") return { code: "OK", events: ["TaskDeleted"] };
    const events: string[] = [];
    if (m.text !== task.text) events.push("TaskRenamed");
    if (m.done !== task.done) events.push(m.done ? "TaskCompleted" : "TaskReopened");
    return { code: "OK", events };
  }

  /** Records a mutation that succeeded with `events`, at `at` (the answer's updatedAt or createdAt). */
  apply(m: Mutation, events: string[], answered: { id: string; createdAt: string; updatedAt: string }): void {
    if (m.kind === "create") {
      const { id, createdAt } = answered;
      const history = [{ type: "TaskCreated", version: 1, text: m.text }];
      this.tasks.push({
        id,
        text: m.text,
        done: false,
        version: 1,
        createdAt,
        updatedAt: createdAt,
        deleted: false,
        history,
      });
      return;
    }
    const task = this.find(m.id);
    if (!task) throw new Error(`the model has no task ${m.id}`);
    for (const type of events) {
      task.version += 1;
      task.history.push({
        type,
        version: task.version,
        text: type === "TaskRenamed" && m.kind === "update" ? m.text : null,
      });
    }
    if (m.kind === "delete") task.deleted = true;
    else {
      task.text = m.text;
      task.done = m.done;
      if (events.length > 0) task.updatedAt = answered.updatedAt;
    }
  }

  /** A random mutation: mostly valid ones on this sequence's tasks, some invalid, unknown or stale. */
  mutation(r: Rng): Mutation {
    const task = this.tasks.length > 0 && !r.chance(0.25) ? r.pick(this.tasks) : undefined;
    if (!task) return { kind: "create", text: r.chance(0.15) ? r.pick(INVALID_TEXTS) : this.text(r) };
    const roll = r.next();
    const id = roll < 0.04 ? "not-a-task-id" : roll < 0.1 ? uuid(r) : task.id;
    const expectedVersion = r.chance(0.5)
      ? null
      : r.pick([task.version, task.version, task.version, task.version - 1, task.version + 1, -1]);
    if (r.chance(0.2)) return { kind: "delete", id, expectedVersion };
    const text = r.chance(0.4) ? task.text : r.chance(0.1) ? r.pick(INVALID_TEXTS) : this.text(r);
    return { kind: "update", id, text, done: r.chance(0.5) ? !task.done : task.done, expectedVersion };
  }

  /** A random operation of the sequence. */
  op(r: Rng): Op {
    const roll = r.next();
    if (roll < 0.62) return { kind: "mutate", mutation: this.mutation(r) };
    if (roll < 0.7) return { kind: "poke" };
    if (roll < 0.72)
      return { kind: "forged-poke", forgery: r.pick(["unsigned", "foreign key", "other body"] as const) };
    if (roll < 0.77) return { kind: "cron" };
    if (roll < 0.87) {
      const fault = r.pick(["drop", "duplicate", "delay"] as const);
      // One drop at a time: a write's re-poke makes good a single lost delivery, two in a row only the cron.
      return {
        kind: "delivery-fault",
        fault,
        count: fault === "drop" ? 1 : 1 + r.int(2),
        ms: 50 + r.int(400),
      };
    }
    if (roll < 0.91) return { kind: "fold-fault", count: 1 + r.int(2) };
    // A write that would append: only then is the injected fault sure to meet it.
    for (let i = 0; i < 10; i++) {
      const mutation = this.mutation(r);
      const p = this.predict(mutation);
      if (p.code !== "OK" || !("events" in p) || p.events.length === 0) continue;
      const service = mutation.kind === "create" || r.chance(0.5) ? "kafka" : "redis";
      return { kind: "fail-write", service, mutation };
    }
    return { kind: "poke" };
  }
}
