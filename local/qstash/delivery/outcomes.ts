/** How a delivery attempt ended, as the scheduler reads it, and the counters it keeps. */
import type { AttemptResult } from "./send";

/** Counters since start; `pending` and `inFlight` are the current numbers of messages and HTTP requests. */
export interface DeliverySummary {
  attempts: number;
  successes: number;
  failures: number;
  dropped: number;
  duplicated: number;
  delayed: number;
  deadLettered: number;
  pending: number;
  inFlight: number;
}

export function isSuccess(r: AttemptResult): boolean {
  return r.status !== undefined && r.status >= 200 && r.status < 300;
}

export function isNonRetryable(r: AttemptResult): boolean {
  return r.status === 489 && String(r.headers?.["upstash-nonretryable-error"]).toLowerCase() === "true";
}

/** The outcome as the attempt log shows it. */
export function describe(r: AttemptResult): string {
  return r.status !== undefined ? String(r.status) : `error (${r.error ?? "unknown"})`;
}
