/**
 * What the answer to an append proves about the records it carried, one rule for every log adapter.
 *
 * A writer undoes what it did before an append (its reservation, its idempotency claim) only when the append
 * certainly stored nothing; if the records may be in the log, undoing would let the next writer decide without
 * them and lose an acknowledged update. A request that went out and came back without a usable acknowledgement
 * may have been stored: a proxy's 502 or 504 after the upstream's fsync, a server's 500 on an I/O error after the
 * write, a 408 from a proxy that gave up forwarding, a 2xx whose body was cut or mangled, a dropped connection.
 * Only a 4xx that the log answers before writing (bad request, auth, unknown topic, too large, rate limited) proves
 * that nothing was written.
 */
import { type Service, UpstreamError, UpstreamUnknownOutcomeError } from "../errors";

/**
 * `committed`: the log acknowledged the records (the body must still be checked: an unusable one is `unknown`);
 * `refused`: nothing was written, the writer may undo; `unknown`: the records may or may not be in the log.
 */
export type AppendOutcome = "committed" | "refused" | "unknown";

/**
 * 4xx statuses that do not prove the request was refused before it was written: 408 (a proxy or server timed out
 * on the request, which may have reached the log) and 499 (a proxy's "client closed the request", logged or
 * answered after it had forwarded it).
 */
const AMBIGUOUS_4XX: ReadonlySet<number> = new Set([408, 499]);

/** Classifies the HTTP status of an append's answer. */
export function appendOutcomeOf(status: number): AppendOutcome {
  if (status >= 200 && status < 300) return "committed";
  if (status >= 400 && status < 500 && !AMBIGUOUS_4XX.has(status)) return "refused";
  return "unknown";
}

/**
 * The error for an append answered `status` without an acknowledgement: a plain {@link UpstreamError} when the
 * status proves nothing was written, else an {@link UpstreamUnknownOutcomeError} (the writer keeps its guards).
 */
export function appendFailure(service: Service, status: number, message: string): UpstreamError {
  return appendOutcomeOf(status) === "refused"
    ? new UpstreamError(service, message, status)
    : new UpstreamUnknownOutcomeError(service, message, { status });
}

/** The error for a 2xx append answer whose body cannot be read as the acknowledgement: the outcome is unknown. */
export function unusableAppendAnswer(service: Service, status: number, detail: string): UpstreamError {
  return new UpstreamUnknownOutcomeError(service, `the append was answered ${status} but ${detail}`, {
    status,
  });
}
