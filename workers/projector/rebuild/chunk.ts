/**
 * The projector's side of a rebuild (see shared/rebuild/control.ts): start one, fold it in bounded chunks that
 * continue through QStash (a poke naming the namespace), switch the live pointer once it has caught up, keep a
 * retired namespace folded through its grace period, and delete it in chunks afterwards. Each chunk is the live
 * fold's own catch-up (same script, lease and checkpoint compare-and-set) on the rebuild's namespace.
 */

import { errorFields, type Logger } from "../../../shared/http/log";
import { cleanupChunk } from "../../../shared/rebuild/cleanup";
import type { StartAnswer, SwitchAnswer } from "../../../shared/rebuild/control";
import {
  forgetLiveNamespace,
  type LiveView,
  type RetiringNamespace,
} from "../../../shared/rebuild/namespace";
import type { ProjectorDeps } from "../deps";
import { catchUp } from "../fold/catch-up";
import type { CatchUpResult } from "../fold/progress";
import { failures, type Waiter } from "../fold/run";

/** SCAN steps one clean-up chunk takes (each looks at SCAN_COUNT keys). */
export const CLEANUP_STEPS = 20;

const partitionIds = (deps: ProjectorDeps) => Array.from({ length: deps.log.partitions }, (_, p) => p);

/** One catch-up of `namespace` on `only` (default: every partition), as the live fold runs it. */
const foldNamespace = (deps: ProjectorDeps, namespace: string, logger: Logger, only?: readonly number[]) =>
  catchUp(
    { log: deps.log, ...deps.onNamespace(namespace), leaseMs: deps.leaseMs, logger },
    deps.budget,
    only,
  );

/** Starts a rebuild and pokes its first chunk on every partition (the cron sends them if this publish fails). */
export async function startRebuild(deps: ProjectorDeps, log: Logger): Promise<StartAnswer> {
  const live = (await deps.liveView()).namespace;
  const answer = await deps.rebuild.start(new Date(), live);
  if (!answer.started) return answer;
  log.info("rebuild started", { namespace: answer.namespace, live });
  const hints = partitionIds(deps).map((partition) => ({ partition, offset: 0 }));
  await deps.notifier
    .pokeMany(hints, "rebuild", answer.namespace)
    .catch((err: unknown) =>
      log.error("rebuild pokes failed; the cron sends them", { error: errorFields(err) }),
    );
  return answer;
}

export type RebuildChunk = CatchUpResult & {
  namespace: string;
  switch?: SwitchAnswer;
  failedReason?: string;
};

/**
 * Folds one bounded chunk of the rebuild of `namespace` on `only` (default: every partition). A partition that
 * cannot be folded (stopped) fails the rebuild, saying why; one whose budget ran out is poked to continue; once a
 * partition has caught up, the switch is tried.
 */
export async function rebuildChunk(
  deps: ProjectorDeps,
  namespace: string,
  only: readonly number[] | undefined,
  waitUntil: Waiter,
  logger: Logger,
): Promise<RebuildChunk> {
  const log = logger.with({ namespace });
  const result = await foldNamespace(deps, namespace, log, only);
  const stopped = result.partitions.find((p) => p.stopped);
  if (stopped?.stopped) {
    const reason = `partition ${stopped.partition} stopped at offset ${stopped.stopped.offset}: ${stopped.stopped.reason}`;
    await deps.rebuild.fail(namespace, reason, new Date());
    log.error("rebuild failed; the live namespace is untouched", { reason });
    return { ...result, namespace, failedReason: reason };
  }
  continueUnfinished(deps, namespace, result, waitUntil, log);
  if (!result.partitions.some((p) => p.caughtUp)) return { ...result, namespace };
  return { ...result, namespace, switch: await trySwitch(deps, namespace, waitUntil, log) };
}

/**
 * Switches to `namespace` once it has caught up with the log heads read at the start of the attempt. A partition
 * found behind them is folded here (to the log's end, so past its head) and the switch asked again with the same
 * heads: under a steady stream of writes a head read after each fold would always have moved on. Events appended
 * after the heads were read are folded by the live fold, which continues in the new namespace (poked here), as any
 * live projection folds what arrives. A partition this invocation cannot finish is left to a poke.
 */
export async function trySwitch(
  deps: ProjectorDeps,
  namespace: string,
  waitUntil: Waiter,
  log: Logger,
): Promise<SwitchAnswer> {
  const ids = partitionIds(deps);
  const heads = await Promise.all(ids.map((p) => deps.log.head(p)));
  let answer: SwitchAnswer = { kind: "not-running" };
  for (let attempt = 0; attempt <= ids.length; attempt++) {
    answer = await deps.rebuild.switchLive(namespace, heads, new Date(), deps.rebuildGraceMs);
    if (answer.kind === "switched") {
      forgetLiveNamespace(deps.base);
      log.info("rebuild switched live", { namespace, retired: answer.old, heads });
      // Events appended since the heads were read may have been poked to the old namespace only. A reason of its
      // own: as a chunk poke, the one of a partition empty when the heads were read (or of one a chunk continued
      // from its head) would carry the id of that chunk's poke, which QStash would drop as a duplicate.
      const hints = ids.map((partition) => ({ partition, offset: heads[partition] ?? 0 }));
      waitUntil(
        deps.notifier
          .pokeMany(hints, "switch", namespace)
          .catch((err: unknown) =>
            log.error("post-switch pokes failed; the cron folds the rest", { error: errorFields(err) }),
          ),
      );
      return answer;
    }
    if (answer.kind !== "behind") return answer;
    const folded = await foldNamespace(deps, namespace, log, [answer.partition]);
    if (!folded.caughtUp) {
      // Nobody retries this fold if it failed: it is poked like one whose budget ran out.
      continueUnfinished(deps, namespace, folded, waitUntil, log, true);
      break;
    }
  }
  return answer;
}

/**
 * Pokes the partitions this invocation left unfinished (its budget ran out), from where it left them. One that
 * another fold holds (coalesced, or yielded to it) is that fold's to continue; one that failed is left to QStash's
 * retry of this invocation (unless `failedToo`) or the cron.
 */
function continueUnfinished(
  deps: ProjectorDeps,
  namespace: string,
  result: CatchUpResult,
  waitUntil: Waiter,
  log: Logger,
  failedToo = false,
): void {
  const ours = result.partitions.filter(
    (p) => !p.caughtUp && !p.stopped && (failedToo || !p.failed) && !p.yielded && !p.coalesced,
  );
  if (ours.length === 0) return;
  const hints = ours.map((p) => ({ partition: p.partition, offset: p.checkpoint }));
  waitUntil(
    deps.notifier
      .pokeMany(hints, "rebuild", namespace)
      .catch((err: unknown) =>
        log.error("rebuild re-poke failed; the cron continues it", { error: errorFields(err) }),
      ),
  );
}

/**
 * Folds the retired namespaces that are still read (their grace period has not run out) on `only`: a worker whose
 * cached pointer predates the switch reads them, and must find its writes there.
 */
export async function foldRetiring(
  deps: ProjectorDeps,
  retiring: readonly RetiringNamespace[],
  only: readonly number[] | undefined,
  logger: Logger,
): Promise<void> {
  const now = Date.now();
  for (const r of retiring.filter((r) => r.foldUntil > now)) {
    const log = logger.with({ namespace: r.namespace });
    await foldNamespace(deps, r.namespace, log, only).catch((err: unknown) =>
      log.error("retired namespace not folded; the next poke folds it", { error: errorFields(err) }),
    );
  }
}

/** Runs one clean-up chunk of a retired namespace that is due (`namespace`, or the first due), and continues it. */
export async function cleanupDue(
  deps: ProjectorDeps,
  waitUntil: Waiter,
  logger: Logger,
  namespace?: string,
): Promise<{ namespace: string; deleted: number; done: boolean } | undefined> {
  const now = Date.now();
  const due = (await deps.rebuild.retired()).filter(
    (r) => r.due <= now && (namespace === undefined || r.namespace === namespace),
  );
  const [entry, ...others] = due;
  if (!entry) return undefined;
  const log = logger.with({ namespace: entry.namespace });
  const chunk = await cleanupChunk(deps.redis, deps.rebuild, entry, { maxSteps: CLEANUP_STEPS });
  log.info(chunk.done ? "retired namespace deleted" : "retired namespace partly deleted", { ...chunk });
  const next = chunk.done ? others[0]?.namespace : entry.namespace;
  if (next !== undefined) {
    waitUntil(
      deps.notifier
        .pokeMany([{ partition: 0, offset: Date.now() }], "cleanup", next)
        .catch((err: unknown) =>
          log.error("clean-up re-poke failed; the cron continues it", { error: errorFields(err) }),
        ),
    );
  }
  return chunk;
}

/**
 * What a poke naming a namespace asks: a chunk of the running rebuild, a fold or clean-up chunk of a retired
 * namespace, or the live fold. Any other namespace (a late poke for one already deleted) is ignored, so nothing
 * is folded back into a namespace nobody reads.
 */
export type NamespaceRoute =
  | { kind: "live" }
  | { kind: "done"; body: object; failed?: { services: string; partitions: number[] } };

export async function routeNamespacePoke(
  deps: ProjectorDeps,
  view: LiveView,
  namespace: string,
  reason: unknown,
  only: readonly number[] | undefined,
  waitUntil: Waiter,
  logger: Logger,
): Promise<NamespaceRoute> {
  const record = await deps.rebuild.current();
  if (record?.state === "running" && record.namespace === namespace) {
    const chunk = await rebuildChunk(deps, namespace, only, waitUntil, logger);
    return { kind: "done", body: chunk, ...failedOf(chunk) };
  }
  const retired = (await deps.rebuild.retired()).find((r) => r.namespace === namespace);
  const now = Date.now();
  if (retired && retired.due <= now) {
    const chunk = await cleanupDue(deps, waitUntil, logger, namespace);
    return { kind: "done", body: { cleanup: chunk ?? null } };
  }
  if (retired && retired.foldUntil > now && reason !== "cleanup") {
    const result = await foldNamespace(deps, namespace, logger.with({ namespace }), only);
    return { kind: "done", body: { ...result, namespace, retiring: true }, ...failedOf(result) };
  }
  if (namespace === view.namespace) return { kind: "live" };
  return { kind: "done", body: { namespace, ignored: "neither live, being rebuilt nor retiring" } };
}

function failedOf(result: CatchUpResult): { failed?: { services: string; partitions: number[] } } {
  const failed = failures(result);
  return failed ? { failed } : {};
}

/**
 * The cron's share: pokes the running rebuild's lagging partitions (a lost chunk poke is healed here) or tries
 * its switch when none lags, pokes the lagging partitions of namespaces still in their grace period, and runs a
 * clean-up chunk when one is due.
 */
export async function sweepRebuild(
  deps: ProjectorDeps,
  waitUntil: Waiter,
  log: Logger,
): Promise<Record<string, unknown>> {
  const ids = partitionIds(deps);
  const out: Record<string, unknown> = {};
  const record = await deps.rebuild.current();
  const now = Date.now();
  const retiring = (await deps.rebuild.retired()).filter((r) => r.foldUntil > now);
  const namespaces = [
    ...(record?.state === "running" ? [record.namespace] : []),
    ...retiring.map((r) => r.namespace),
  ];
  if (namespaces.length === 0 && !(await deps.rebuild.retired()).some((r) => r.due <= now)) return out;
  const heads = await Promise.all(ids.map((p) => deps.log.head(p)));
  for (const namespace of namespaces) {
    const checkpoints = await deps.onNamespace(namespace).store.checkpoints();
    const behind = ids.filter((p) => (checkpoints.get(p) ?? 0) < (heads[p] ?? 0));
    if (behind.length > 0) {
      out[namespace] = { poked: behind };
      const hints = behind.map((partition) => ({ partition, offset: checkpoints.get(partition) ?? 0 }));
      waitUntil(
        deps.notifier
          .pokeMany(hints, "sweep", namespace)
          .catch((err: unknown) => log.error("rebuild sweep pokes failed", { error: errorFields(err) })),
      );
    } else if (record?.state === "running" && namespace === record.namespace) {
      out[namespace] = { switch: await trySwitch(deps, namespace, waitUntil, log) };
    }
  }
  const cleaned = await cleanupDue(deps, waitUntil, log);
  if (cleaned) out.cleanup = cleaned;
  return out;
}
