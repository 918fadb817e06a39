/**
 * Which partitions a poke asks for. The body is a hint the projector never trusts for correctness (it folds from its
 * own checkpoint), only for routing: a poke that names a partition of this log folds that partition alone, so the
 * work of one invocation stays with one partition however many there are. Anything else (`{}`, a body from an
 * older sender, a partition the log does not have) folds every partition, within the invocation's budget.
 */
export type PokeTarget = { partition: number } | "every";

export function pokeTarget(body: string, partitions: number): PokeTarget {
  let hint: unknown;
  try {
    hint = JSON.parse(body);
  } catch {
    return "every";
  }
  const partition =
    typeof hint === "object" && hint !== null ? (hint as { partition?: unknown }).partition : undefined;
  return typeof partition === "number" &&
    Number.isInteger(partition) &&
    partition >= 0 &&
    partition < partitions
    ? { partition }
    : "every";
}
