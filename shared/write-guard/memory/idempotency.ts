/** Idempotency keys over the in-process state, with the claim script's semantics (see CLAIM and RELEASE). */
import {
  deleteString,
  getString,
  type MemoryProjectionState,
  setString,
} from "../../projection/memory/state";
import { claimToken, encodeDone, type IdempotencyStore, parseStored, RESULT_TTL_MS } from "../idempotency";

/** The idempotency keys of the in-process state; they expire on its clock. */
export function createMemoryIdempotency(state: MemoryProjectionState): IdempotencyStore {
  const keyOf = state.keys.idempotency;
  return {
    async claim(key, claim, replacing = "") {
      const token = claimToken(claim);
      const stored = getString(state, keyOf(key));
      if (stored === token) return { claimed: true, token };
      if (stored === undefined || stored === replacing) {
        setString(state, keyOf(key), token, RESULT_TTL_MS);
        return { claimed: true, token };
      }
      return { claimed: false, stored: parseStored(stored) };
    },
    async complete(key, fingerprint, result) {
      setString(state, keyOf(key), encodeDone(fingerprint, result), RESULT_TTL_MS);
    },
    async abandon(key, token) {
      if (getString(state, keyOf(key)) === token) deleteString(state, keyOf(key));
    },
  };
}
