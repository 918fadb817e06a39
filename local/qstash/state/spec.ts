/**
 * What a published message asks for, as the publish headers said it: its method, forwarded headers, timing,
 * retries, deduplication, flow control, labels, callbacks and redaction. Every layer reads it; only
 * `publish/headers.ts` builds it.
 */
import type { Redaction } from "./redaction";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

/** `Upstash-Retry-Delay` compiled: the wait in ms before a retry, given how many retries came before. */
export type RetryDelay = (retried: number) => number;

export interface FlowControlSpec {
  key: string;
  parallelism?: number;
  rate?: number;
  /** The rate's window in ms (default 1 s). */
  periodMs: number;
}

export interface PublishSpec {
  method: HttpMethod;
  contentType?: string;
  /** Headers to deliver, `Upstash-Forward-` stripped, lowercase names, in publish order. */
  forward: Array<[string, string]>;
  /** Requested wait before the first attempt, in ms (honoured as asked, never time-scaled). */
  delayMs: number;
  /** Unix seconds; overrides the delay. */
  notBefore?: number;
  retries: number;
  retryDelay?: { expression: string; delay: RetryDelay };
  /** Per-attempt response deadline, unscaled ms. */
  timeoutMs?: number;
  deduplicationId?: string;
  contentBasedDeduplication: boolean;
  flowControl?: FlowControlSpec;
  labels: string[];
  /** Where each attempt's outcome is published (`Upstash-Callback`). */
  callback?: string;
  /** Where the message is published once it lands in the DLQ (`Upstash-Failure-Callback`). */
  failureCallback?: string;
  redact?: Redaction;
}

export const DEFAULT_RETRIES = 3;
