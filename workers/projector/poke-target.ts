/**
 * What a poke asks for, read once from its body. The body is a hint: the projector always folds from its own
 * checkpoint. It routes: a poke that names a partition of this log folds that partition alone, so the work of one
 * invocation stays with one partition however many there are. Anything else (`{}`, a body from an older sender, a
 * partition the log does not have) folds every partition, within the invocation's budget. And an append's poke names
 * the record it was sent for, which spares a read: a short read that reaches it ends the fold (see
 * fold/partition.ts). A wrong offset costs no event: a lower one ends a fold early, leaving the records after it
 * to their own pokes (and the sweep); a higher one only keeps the read made ahead.
 */
import type { Position } from "../../shared/event-log/port";

export type PokeTarget = { partition: number } | "every";

export interface Poke {
  target: PokeTarget;
  /**
   * The projection namespace it names (a rebuild's chunk, a retired namespace's fold or clean-up), or undefined for
   * the live one. Only a well-formed name is taken: it is compared with the namespaces the projector keeps, never
   * used to build keys it did not make itself.
   */
  namespace?: string;
  /** The `reason` it gives, if any. */
  reason?: unknown;
  /** An append's poke (reason `append`, one partition): the offset of the record it was sent for. */
  announced?: Position;
}

export function readPoke(body: string, partitions: number): Poke {
  const hint = parseHint(body);
  const partition = hint?.partition;
  const target: PokeTarget =
    typeof partition === "number" && Number.isInteger(partition) && partition >= 0 && partition < partitions
      ? { partition }
      : "every";
  const namespace = hint?.namespace;
  const offset = hint?.offset;
  const announced =
    target !== "every" &&
    hint?.reason === "append" &&
    typeof offset === "number" &&
    Number.isSafeInteger(offset) &&
    offset >= 0
      ? { partition: target.partition, offset }
      : undefined;
  return {
    target,
    ...(announced && { announced }),
    ...(typeof namespace === "string" && /^[A-Za-z0-9:._-]{1,80}$/.test(namespace) ? { namespace } : {}),
    ...(hint !== undefined && "reason" in hint ? { reason: hint.reason } : {}),
  };
}

function parseHint(body: string): Record<string, unknown> | undefined {
  try {
    const hint: unknown = JSON.parse(body);
    return typeof hint === "object" && hint !== null && !Array.isArray(hint) ? { ...hint } : undefined;
  } catch {
    return undefined;
  }
}
