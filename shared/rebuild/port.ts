/**
 * The ports the projector runs rebuilds on: `RebuildPort` keeps the live pointer and the rebuild's record (start
 * one, switch the pointer once it caught up, fail it, the namespaces retired by it, its status), `CleanupPort`
 * deletes a retired namespace a bounded chunk at a time. The workers use the Redis adapters (`redis/`), the
 * in-process specifications the memory ones (`memory/`).
 */
import type { FoldClaim } from "../projection/fold-lease";

/**
 * How long before its clean-up a retired namespace stops being folded: longer than any fold invocation, so no fold
 * still writes into it once its keys are being deleted.
 */
export const FOLD_MARGIN_MS = 30_000;

/** A rebuild as recorded: running, or how it ended. */
export interface RebuildRecord {
  namespace: string;
  generation: number;
  /** The live namespace when it started. */
  from: string;
  state: "running" | "switched" | "failed";
  startedAt: string;
  endedAt?: string;
  /** Why it failed. */
  reason?: string;
  /** The namespace it replaced (once switched). */
  retired?: string;
}

/** A namespace waiting for its clean-up: folded until `foldUntil`, deleted from `due` (epoch ms). */
export interface RetiredNamespace {
  namespace: string;
  due: number;
  foldUntil: number;
  /** Where the clean-up is: which key pattern, and the SCAN cursor in it. */
  stage?: number;
  cursor?: string;
}

export type StartAnswer = { started: true; namespace: string } | { started: false; running: string };

export type SwitchAnswer =
  | { kind: "switched"; old: string }
  | { kind: "behind"; partition: number; checkpoint: number; head: number }
  | { kind: "not-running" };

/** A namespace replaced by a rebuild that workers may still read: folded until `foldUntil` (epoch ms). */
export interface RetiringNamespace {
  namespace: string;
  foldUntil: number;
}

/** The live namespace and the retired ones still folded beside it, as one isolate last read them. */
export interface LiveView {
  namespace: string;
  retiring: RetiringNamespace[];
}

/** The live view as read now, and the claim made in it when the namespace guessed was the live one. */
export interface LiveClaim {
  view: LiveView;
  claim?: FoldClaim;
}

/**
 * A live fold's first step in one round trip: the live view read afresh, and `partition`'s fold lease claimed in
 * the namespace this isolate last saw live, in the same step, only if the view still names it (else nothing is
 * claimed, and the caller claims in the namespace the view names).
 */
export interface LiveClaimer {
  claim(partition: number, token: string, ttlMs: number): Promise<LiveClaim>;
}

export interface CleanupChunk {
  namespace: string;
  deleted: number;
  done: boolean;
}

export interface RebuildProgress {
  namespace: string;
  state: "running";
  startedAt: string;
  partitions: Array<{ partition: number; checkpoint: number; head: number; lag: number }>;
  lag: number;
  eventsPerSecond: number;
  /** ISO; absent until the rebuild has folded something to measure its speed by. */
  estimatedFinish?: string;
}

export interface RebuildStatus {
  /** The namespace both workers read (the base prefix until a rebuild switches). */
  namespace: string;
  rebuild: RebuildProgress | null;
  lastRebuild: RebuildRecord | null;
  retiring: Array<{ namespace: string; due: string }>;
}

export interface RebuildPort {
  /** Starts a rebuild beside `liveNamespace` (its namespace is empty and folded from offset 0), or names the one running. */
  start(now: Date, liveNamespace: string): Promise<StartAnswer>;
  /** The running rebuild, or the last one when none runs (undefined before the first). */
  current(): Promise<RebuildRecord | undefined>;
  /** Namespaces waiting for (or in) their clean-up. */
  retired(): Promise<RetiredNamespace[]>;
  /**
   * Switches the live pointer to `namespace` if its checkpoints have reached `heads` (read just before) on every
   * partition. The old namespace is folded until shortly before `graceMs` has passed, and deleted after it.
   */
  switchLive(namespace: string, heads: readonly number[], now: Date, graceMs: number): Promise<SwitchAnswer>;
  /** Ends the running rebuild of `namespace` as failed; the live namespace is untouched. */
  fail(namespace: string, reason: string, now: Date): Promise<boolean>;
  /** The rebuild part of the projection's status, with `live` as the live namespace. */
  status(live: string): Promise<RebuildStatus>;
  /**
   * The live namespace and the retired ones still folded beside it: as this isolate cached them briefly, or read
   * afresh when `fresh`.
   */
  liveView(fresh?: boolean): Promise<LiveView>;
  /** Forgets what this isolate cached of the live pointer (right after switching it). */
  forgetLive(): void;
}

export interface CleanupPort {
  /** Runs at most `maxSteps` steps of `entry`'s clean-up, saving where it is after each. */
  chunk(entry: RetiredNamespace, options: { maxSteps: number }): Promise<CleanupChunk>;
}
