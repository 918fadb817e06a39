/**
 * The notifier: a "wake up" poke to the projector through QStash. The poke carries a position hint only;
 * the projector folds nothing from it and pulls from its own checkpoint (an append's hint names the record it was
 * sent for, which spares the fold a read: workers/projector/poke-target.ts).
 */
import { Client } from "@upstash/qstash";
import { UpstreamError, UpstreamTimeoutError } from "../errors";
import type { Position } from "../event-log/port";

/**
 * Why a poke is sent: an append, a projector continuing a backlog, or a write that waited for the projection in
 * vain (the append's poke may have been accepted by QStash and then lost, so this one must not share its
 * deduplication id); a rebuild's chunk, the live fold's first poke in a namespace just switched live (`switch`:
 * it names the log heads the switch was checked against, which may be the offset a chunk of the same rebuild
 * started or continued from), the sweep, a clean-up. Each reason's ids start with the reason, so pokes sent for
 * different reasons never deduplicate each other.
 */
export type PokeReason = "append" | "continue" | "nudge" | "sweep" | "rebuild" | "switch" | "cleanup";

export interface Notifier {
  /** Asks QStash to wake the projector; `hint` is the position that prompted the poke. */
  poke(hint: Position, reason?: PokeReason): Promise<void>;
  /**
   * One poke per hint, in one QStash batch request (the scheduled sweep's fan-out over lagging partitions).
   * `namespace`: the pokes are for that projection namespace (a rebuild's chunks, a retired one's clean-up).
   */
  pokeMany(hints: readonly Position[], reason: PokeReason, namespace?: string): Promise<void>;
}

export interface QStashNotifierConfig {
  url: string;
  token: string;
  /** Where pokes go (`PROJECTOR_URL`). */
  projectorUrl: string;
  /** Publish to this URL group instead of `projectorUrl` (`QSTASH_TOPIC`). */
  urlGroup?: string;
  /** Delivery retries QStash makes when the projector fails (default 3). */
  retries?: number;
  /** How long a publish may take, its one network retry included, before the poke counts as failed (default 5000). */
  timeoutMs?: number;
}

/**
 * Nudges from writers waiting for the projection, and the scheduled sweep's pokes, are deduplicated per partition
 * within windows of this length, so however many writers wait (and however fast the head moves), the system sends
 * at most one of each per partition per window: they heal a lost poke; more of them would only feed a storm that
 * delays the fold they wait for. A later window sends again, so a lost one is not deduplicated away for good.
 */
export const NUDGE_WINDOW_MS = 500;

/** The poke's QStash deduplication id: by the position it announces, or by partition and window for a re-poke. */
export function pokeDeduplicationId(
  hint: Position,
  reason: PokeReason,
  now: number,
  namespace?: string,
): string {
  const scope = namespace === undefined ? reason : `${reason}-${namespace.replace(/[^A-Za-z0-9._-]/g, "_")}`;
  if (reason === "nudge" || reason === "sweep" || reason === "cleanup")
    return `${scope}-p${hint.partition}-w${Math.floor(now / NUDGE_WINDOW_MS)}`;
  return `${scope}-p${hint.partition}-o${hint.offset}`;
}

/**
 * Builds the QStash notifier. Each poke is deduplicated (see `pokeDeduplicationId`), so retried or repeated pokes
 * for one event cost one delivery. No flow control: concurrent deliveries coalesce on the projector's partition
 * lease at one round trip each, while a queue of one delivery at a time would hold the newest poke behind all the
 * older ones (the projection's lag would grow with the burst).
 */
export function createQStashNotifier(config: QStashNotifierConfig): Notifier {
  // Network errors are retried once by the client; QStash itself retries deliveries.
  const client = new Client({ baseUrl: config.url, token: config.token, retry: { retries: 1 } });
  const destination = config.urlGroup ? { urlGroup: config.urlGroup } : { url: config.projectorUrl };
  const timeoutMs = config.timeoutMs ?? 5000;
  const message = (hint: Position, reason: PokeReason, now: number, namespace?: string) => ({
    ...destination,
    body: {
      partition: hint.partition,
      offset: hint.offset,
      reason,
      ...(namespace !== undefined && { namespace }),
    },
    deduplicationId: pokeDeduplicationId(hint, reason, now, namespace),
    retries: config.retries ?? 3,
  });
  return {
    async poke(hint, reason = "append") {
      await publishing(() => client.publishJSON(message(hint, reason, Date.now())), timeoutMs);
    },
    async pokeMany(hints, reason, namespace) {
      if (hints.length === 0) return;
      const now = Date.now();
      await publishing(
        () => client.batchJSON(hints.map((hint) => message(hint, reason, now, namespace))),
        timeoutMs,
      );
    },
  };
}

/**
 * Runs a publish within `timeoutMs`, turning its failure into an UpstreamError naming QStash (with the status it
 * answered, if any). The client takes no signal, so the wait is bounded here: a publish still pending when the
 * request's background work ends is cancelled by the runtime, and a poke that lands late anyway is harmless.
 */
async function publishing(publish: () => Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamTimeoutError("qstash", timeoutMs)), timeoutMs);
  });
  try {
    await Promise.race([publish(), deadline]);
  } catch (err) {
    if (err instanceof UpstreamError) throw err;
    const status =
      typeof (err as { status?: unknown }).status === "number"
        ? (err as { status: number }).status
        : undefined;
    throw new UpstreamError("qstash", `publish failed: ${(err as Error).message}`, status, { cause: err });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
