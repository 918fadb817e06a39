/**
 * What the fold script answers, read into an outcome (or an UpstreamError when it refused a batch that would
 * have overwritten something the fold did not write), and the stop record it keeps per partition.
 */
import { UpstreamError } from "../errors";
import { toInt } from "./codec";
import type { FoldBatch } from "./store";

/** Why a partition is not being folded past `offset`, since when (ISO). */
export interface PartitionStop {
  offset: number;
  reason: string;
  since: string;
}

/** What became of a fold batch. */
export type ApplyOutcome =
  | { kind: "applied"; checkpoint: number }
  /** Another fold moved the checkpoint first; nothing was written. */
  | { kind: "moved"; checkpoint: number }
  /** The projection was folded with another partition count; nothing but the stop record was written. */
  | { kind: "mismatch"; partitions: number };

/** How many of the newest dead letters and rejected events are kept (the counters count them all). */
export const PROBLEMS_KEPT = 1000;

/** Reads the fold script's answer (see APPLY_BATCH); a refused batch is an UpstreamError saying why. */
export function applyOutcome(answer: unknown, batch: FoldBatch): ApplyOutcome {
  if (!Array.isArray(answer) || answer.length < 2)
    throw new UpstreamError("redis", "fold script answered an unexpected shape");
  const where = `partition ${batch.partition} from offset ${batch.from}`;
  switch (toInt(answer[0], -1)) {
    case 1:
      return { kind: "applied", checkpoint: toInt(answer[1]) };
    case 0:
      return { kind: "moved", checkpoint: toInt(answer[1]) };
    case 2:
      return { kind: "mismatch", partitions: toInt(answer[1]) };
    case 3:
      throw new UpstreamError(
        "redis",
        `fold of ${where} refused, nothing written: ${String(answer[1])} ${String(answer[2])}`,
      );
    case 4:
      throw new UpstreamError(
        "redis",
        `fold of ${where} refused, nothing written: task ${String(answer[1])} is at version ` +
          `${String(answer[2])} in Redis, not the one the batch was folded from`,
      );
    default:
      throw new UpstreamError("redis", "fold script answered an unexpected shape");
  }
}

/** A stop record as the fold script writes it; anything else is ignored rather than shown. */
export function parseStop(raw: unknown): PartitionStop | undefined {
  try {
    const v: unknown = JSON.parse(String(raw));
    if (typeof v !== "object" || v === null) return undefined;
    const { offset, reason, since } = v as Record<string, unknown>;
    if (typeof offset !== "number" || typeof reason !== "string" || typeof since !== "string")
      return undefined;
    return { offset, reason, since };
  } catch {
    return undefined;
  }
}
