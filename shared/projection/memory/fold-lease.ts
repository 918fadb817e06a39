/** The fold lease over the in-process state, with the Redis scripts' semantics (see ../redis/fold-lease.ts). */
import type { FoldLease } from "../fold-lease";
import { deleteString, expireString, getString, type MemoryProjectionState, setString } from "./state";

/** The fold leases of the in-process state; they expire on its clock. */
export function createMemoryFoldLease(state: MemoryProjectionState): FoldLease {
  const { keys } = state;
  return {
    async claim(partition, token, ttlMs) {
      if (getString(state, keys.foldLease(partition)) === undefined) {
        setString(state, keys.foldLease(partition), token, ttlMs);
        return { claimed: true, checkpoint: state.checkpoints.get(partition) ?? 0 };
      }
      setString(state, keys.foldMore(partition), "1", ttlMs);
      return { claimed: false };
    },
    async finish(partition, token, ttlMs) {
      if (getString(state, keys.foldLease(partition)) !== token) return "lost";
      if (deleteString(state, keys.foldMore(partition))) {
        expireString(state, keys.foldLease(partition), ttlMs);
        return "more";
      }
      deleteString(state, keys.foldLease(partition));
      return "done";
    },
    async drop(partition, token) {
      if (getString(state, keys.foldLease(partition)) === token)
        deleteString(state, keys.foldLease(partition));
    },
  };
}
