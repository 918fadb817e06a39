/**
 * When to retry a failed delivery (docs/protocols.md#delivery-and-retries): the destination's wait hint if it gave one,
 * else `Upstash-Retry-Delay` evaluated with `retried` (0 before the first retry), else Upstash's default
 * `min(86400, e^(2.5·n))` seconds before retry n. Everything is capped at one day, then time-scaled.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { RetryDelay } from "../state/spec";
import { parseWaitHint } from "./durations";

const DAY_MS = 86_400_000;
const HINT_HEADERS = [
  "retry-after",
  "x-ratelimit-reset",
  "x-ratelimit-reset-requests",
  "x-ratelimit-reset-tokens",
];

/** The first wait hint among the response headers that QStash honours, in ms. */
export function waitHint(headers: IncomingHttpHeaders | undefined, nowMs: number): number | undefined {
  for (const name of HINT_HEADERS) {
    const raw = headers?.[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    const ms = parseWaitHint(value, nowMs);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

export interface BackoffInput {
  /** Attempts already made (1 after the first failure). */
  attemptsMade: number;
  retryDelay?: RetryDelay;
  responseHeaders?: IncomingHttpHeaders;
  timeScale: number;
  nowMs: number;
}

/** Scaled milliseconds to wait before the next attempt. */
export function nextRetryDelayMs(input: BackoffInput): number {
  const hint = waitHint(input.responseHeaders, input.nowMs);
  let ms: number;
  if (hint !== undefined) {
    ms = hint;
  } else if (input.retryDelay) {
    ms = input.retryDelay(input.attemptsMade - 1);
  } else {
    ms = Math.min(86_400, Math.exp(2.5 * input.attemptsMade)) * 1000;
  }
  if (Number.isNaN(ms) || ms < 0) ms = 0;
  return Math.min(ms, DAY_MS) * input.timeScale;
}
