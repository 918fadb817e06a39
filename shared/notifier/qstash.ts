/**
 * The notifier: a "wake up" poke to the projector through QStash. The poke carries a position hint only;
 * the projector trusts nothing in it and pulls from its own checkpoint.
 */
import { Client } from "@upstash/qstash";
import { UpstreamError, UpstreamTimeoutError } from "../errors";
import type { Position } from "../event-log/port";

/**
 * Why a poke is sent: an append, a projector continuing a backlog, or a write that waited for the projection in
 * vain (the append's poke may have been accepted by QStash and then lost, so this one must not share its
 * deduplication id).
 */
export type PokeReason = "append" | "continue" | "nudge";

export interface Notifier {
  /** Asks QStash to wake the projector; `hint` is the position that prompted the poke. */
  poke(hint: Position, reason?: PokeReason): Promise<void>;
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
 * Builds the QStash notifier. Each poke is deduplicated by the position it announces, so retried or repeated
 * pokes for one event cost one delivery, and flow control keeps at most one delivery in flight for the projector
 * (a second concurrent fold would only lose the checkpoint compare-and-set).
 */
export function createQStashNotifier(config: QStashNotifierConfig): Notifier {
  // Network errors are retried once by the client; QStash itself retries deliveries.
  const client = new Client({ baseUrl: config.url, token: config.token, retry: { retries: 1 } });
  const destination = config.urlGroup ? { urlGroup: config.urlGroup } : { url: config.projectorUrl };
  const timeoutMs = config.timeoutMs ?? 5000;
  return {
    async poke(hint, reason = "append") {
      // The client takes no signal, so the wait is bounded here: a publish still pending when the request's
      // background work ends is cancelled by the runtime, and a poke that lands late anyway is harmless.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new UpstreamTimeoutError("qstash", timeoutMs)), timeoutMs);
      });
      const publish = client.publishJSON({
        ...destination,
        body: { partition: hint.partition, offset: hint.offset, reason },
        deduplicationId: `${reason}-p${hint.partition}-o${hint.offset}`,
        retries: config.retries ?? 3,
        flowControl: { key: "projector", parallelism: 1 },
      });
      try {
        await Promise.race([publish, deadline]);
      } catch (err) {
        if (err instanceof UpstreamError) throw err;
        const status =
          typeof (err as { status?: unknown }).status === "number"
            ? (err as { status: number }).status
            : undefined;
        throw new UpstreamError("qstash", `publish failed: ${(err as Error).message}`, status, {
          cause: err,
        });
      } finally {
        if (timer !== undefined) clearTimeout(timer);
      }
    },
  };
}
