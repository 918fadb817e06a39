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

/**
 * The projection namespace a poke names (a rebuild's chunk, a retired namespace's fold or clean-up), or undefined
 * for the live one. Only a well-formed name is taken: it is compared with the namespaces the projector keeps,
 * never used to build keys it did not make itself.
 */
export function pokeNamespace(body: string): string | undefined {
  const namespace = field(body, "namespace");
  return typeof namespace === "string" && /^[A-Za-z0-9:._-]{1,80}$/.test(namespace) ? namespace : undefined;
}

/** The `reason` a poke gives, if any. */
export function pokeReason(body: string): unknown {
  return field(body, "reason");
}

function field(body: string, name: string): unknown {
  try {
    const hint: unknown = JSON.parse(body);
    return typeof hint === "object" && hint !== null ? (hint as Record<string, unknown>)[name] : undefined;
  } catch {
    return undefined;
  }
}
