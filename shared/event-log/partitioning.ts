/** How every adapter spreads records over its partitions: by `partitionOf` of the key, the port's one rule. */
import { type EventLog, partitionOf } from "./port";

/** The port's `partitions` and `partitionFor` for a log of `partitions` partitions. */
export function partitioning(partitions: number): Pick<EventLog, "partitions" | "partitionFor"> {
  return { partitions, partitionFor: (key) => partitionOf(key, partitions) };
}
