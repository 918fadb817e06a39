/**
 * Deduplication (docs/protocols.md#deduplication): a publish whose `Upstash-Deduplication-Id`, or whose content hash
 * under `Upstash-Content-Based-Deduplication: true`, matches one accepted within the last 10 minutes is not
 * delivered again; the publisher gets the earlier message id. Keys are scoped to the delivery target (URL,
 * and group for group publishes) so that each group endpoint deduplicates on its own **[inferred]**.
 */
import { createHash } from "node:crypto";
import type { PublishSpec } from "./spec";

export const DEDUP_WINDOW_MS = 10 * 60 * 1000;

export interface DedupTarget {
  url: string;
  topicName?: string;
}

/** The keys that identify this publish for `target`: zero, one or two (id and content). */
export function dedupKeys(spec: PublishSpec, target: DedupTarget, body: Buffer): string[] {
  const scope = `${target.topicName ?? ""}\n${target.url}`;
  const keys: string[] = [];
  if (spec.deduplicationId !== undefined) keys.push(`id\n${scope}\n${spec.deduplicationId}`);
  if (spec.contentBasedDeduplication) {
    const forwarded = [...spec.forward].sort(([a], [b]) => a.localeCompare(b));
    const hash = createHash("sha256")
      .update(JSON.stringify([target.topicName ?? null, target.url, spec.contentType ?? null, forwarded]))
      .update("\n")
      .update(body)
      .digest("hex");
    keys.push(`content\n${hash}`);
  }
  return keys;
}

export class DedupStore {
  private seen = new Map<string, { messageId: string; expiresAt: number }>();

  /** The message id accepted under any of `keys` within the window, if one is still remembered. */
  find(keys: string[], now: number): string | undefined {
    this.prune(now);
    for (const key of keys) {
      const hit = this.seen.get(key);
      if (hit) return hit.messageId;
    }
    return undefined;
  }

  remember(keys: string[], messageId: string, now: number): void {
    for (const key of keys) this.seen.set(key, { messageId, expiresAt: now + DEDUP_WINDOW_MS });
  }

  private prune(now: number): void {
    // Entries are inserted in time order, so expired ones sit at the front of the map.
    for (const [key, entry] of this.seen) {
      if (entry.expiresAt > now) break;
      this.seen.delete(key);
    }
  }
}
