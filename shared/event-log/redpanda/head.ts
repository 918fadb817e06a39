/**
 * Finding a partition's end through Redpanda's HTTP Proxy, which has no offsets route (its API lists brokers,
 * topics, produce, the partition fetch and consumer groups only). A fetch at offset `o` with no wait tells
 * which side of the end `o` is on: records mean `o` is below the end (and the last one returned is too);
 * an empty answer means `o` is the end; Kafka's `offset_out_of_range` means `o` is past it. The search gallops
 * up from a known lower bound, then bisects, so it costs about 2·log2(distance) small fetches, and one when the
 * lower bound is already the end (the common case: a caller's checkpoint, or what this adapter saw last).
 */

export type Probe =
  | { kind: "below" /** One past the last offset the fetch returned. */; next: number }
  | { kind: "end" }
  | { kind: "beyond" };

/** Enough for any 64-bit offset; reaching it means the answers contradict each other. */
const MAX_PROBES = 200;

/** The end offset, searched from `from`, which is usually (not necessarily) at or below it. */
export async function findEnd(probe: (offset: number) => Promise<Probe>, from: number): Promise<number> {
  let lo = Math.max(0, from); // the end is at or above lo, once a probe has confirmed it
  let hi = Number.POSITIVE_INFINITY; // the end is below hi
  let step = 0;
  let confirmed = lo === 0;
  for (let i = 0; i < MAX_PROBES; i++) {
    if (confirmed && lo === hi - 1) return lo;
    const at = hi === Number.POSITIVE_INFINITY ? lo + step : lo + Math.floor((hi - lo) / 2);
    const answer = await probe(at);
    if (answer.kind === "end") return at;
    if (answer.kind === "below") {
      lo = Math.max(lo, answer.next);
      // The log grew past an earlier "beyond" while the search ran: that bound no longer holds.
      if (lo >= hi) hi = Number.POSITIVE_INFINITY;
      confirmed = true;
      step = step === 0 ? 1 : step * 2;
    } else {
      hi = at;
      if (!confirmed) {
        // The starting point was past the end (a stale hint): search from 0 below it.
        lo = 0;
        confirmed = true;
      }
    }
  }
  throw new Error(`no end found after ${MAX_PROBES} probes (lo ${lo}, hi ${hi})`);
}
