/**
 * The write guard over the in-process projection state (see shared/projection/memory/state.ts), with the Redis scripts'
 * semantics (RESERVE, COMMIT, RELEASE): reservations held under their writer's token and expiring, the last
 * reserved version remembered past them, committed writes raising the current version until they expire.
 */
import { versionOf } from "../../domain";
import { decodeState } from "../../projection/codec";
import {
  deleteString,
  getString,
  type MemoryProjectionState,
  setString,
} from "../../projection/memory/state";
import { decodeCommitted, encodeCommitted, reservationToken, reservedVersion } from "../codec";
import { COMMITTED_KEEP_MS, LAST_RESERVED_KEEP_MS, type WriteGuard } from "../port";

/** The write guard of the in-process state: it reads the states a fold sink over the same state applied. */
export function createMemoryWriteGuard(state: MemoryProjectionState): WriteGuard {
  const { keys } = state;
  return {
    async readForWrite(taskId, partition) {
      const committed = decodeCommitted(getString(state, keys.committed(taskId)));
      return {
        state: decodeState(state.states.get(taskId)),
        reserved: reservedVersion(getString(state, keys.reservation(taskId))),
        lastReserved: reservedVersion(getString(state, keys.lastReserved(taskId))),
        ...(committed && { committed }),
        checkpoint: state.checkpoints.get(partition) ?? 0,
      };
    },

    async reserve(taskId, baseVersion, newVersion, ttlMs, nonce) {
      const token = reservationToken(newVersion, nonce);
      let current = versionOf(decodeState(state.states.get(taskId)));
      const held = getString(state, keys.reservation(taskId));
      if (held === token) return { ok: true, projected: current, reserved: current, token };
      current = Math.max(current, reservedVersion(getString(state, keys.committed(taskId))));
      const reserved = reservedVersion(held);
      if (current !== baseVersion || reserved > current)
        return { ok: false, projected: current, reserved, token };
      setString(state, keys.reservation(taskId), token, ttlMs);
      setString(state, keys.lastReserved(taskId), token, ttlMs + LAST_RESERVED_KEEP_MS);
      return { ok: true, projected: current, reserved, token };
    },

    async commit(taskId, token, decided, create = false) {
      if (create) {
        if (getString(state, keys.committed(taskId)) !== undefined) return false;
      } else if (getString(state, keys.reservation(taskId)) !== token) {
        return false;
      } else {
        deleteString(state, keys.reservation(taskId));
      }
      setString(state, keys.committed(taskId), encodeCommitted(token, decided), COMMITTED_KEEP_MS);
      return true;
    },

    async release(taskId, token) {
      for (const key of [keys.reservation(taskId), keys.lastReserved(taskId)]) {
        if (getString(state, key) === token) deleteString(state, key);
      }
    },
  };
}
