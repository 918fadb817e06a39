/**
 * The HTTP side of the Redpanda adapter: one request to Redpanda's HTTP Proxy with a bounded time, its answer
 * parsed, and its failure classified. A produce's answer is read by the one rule of append-outcome.ts: a
 * definite refusal (`RedpandaRefusal`, an `UpstreamError`) only when the status proves nothing was written (a 4xx
 * pandaproxy sends before it hands anything to Kafka); a 5xx, a 408, a 499, a lost connection or a timeout may
 * come after the broker stored the batch, so they are unknown outcomes.
 */
import { isJsonRecord } from "../../domain";
import { UpstreamError } from "../../errors";
import { appendFailure, appendOutcomeOf, unusableAppendAnswer } from "../append-outcome";
import { noAnswer } from "../no-answer";

export const MEDIA = {
  v2: "application/vnd.kafka.v2+json",
  binary: "application/vnd.kafka.binary.v2+json",
} as const;

/** A definite refusal, with pandaproxy's error code when the body had one. */
export class RedpandaRefusal extends UpstreamError {
  override readonly name: string = "RedpandaRefusal";
  constructor(
    message: string,
    status: number,
    readonly errorCode: number | undefined,
  ) {
    super("kafka", message, status);
  }
}

export interface ProxyTransport {
  /** Sends one request; resolves with the parsed JSON of a 2xx answer. */
  request(method: "GET" | "POST", path: string, init: ProxyRequestInit): Promise<unknown>;
}

export interface ProxyRequestInit {
  headers: Record<string, string>;
  body?: string;
  /** Whether the request may have written (a produce): failures without a refusal are then unknown outcomes. */
  write: boolean;
  /** Added to the time limit (a fetch's own long-poll). */
  extraMs?: number;
}

export interface TransportConfig {
  url: string;
  /** The `Authorization` header, when the proxy requires one. */
  authorization: string | undefined;
  timeoutMs: number;
  fetch: typeof fetch;
}

function refusalOrUnknown(path: string, status: number, text: string, write: boolean): UpstreamError {
  let errorCode: number | undefined;
  let reason = text.slice(0, 200);
  try {
    const body: unknown = JSON.parse(text);
    if (isJsonRecord(body) && typeof body.error_code === "number") errorCode = body.error_code;
    if (isJsonRecord(body) && typeof body.message === "string") reason = body.message;
  } catch {
    // Not pandaproxy's JSON (a load balancer's page, say): the status alone decides.
  }
  const message = `${path} answered ${status}${errorCode === undefined ? "" : ` (${errorCode})`}: ${reason}`;
  if (write && appendOutcomeOf(status) !== "refused") return appendFailure("kafka", status, message);
  return new RedpandaRefusal(message, status, errorCode);
}

export function createTransport(config: TransportConfig): ProxyTransport {
  const base = config.url.replace(/\/+$/, "");
  // Called as a plain function: Workers' fetch throws "Illegal invocation" when called as a method of another object.
  const doFetch = config.fetch;
  return {
    async request(method, path, init) {
      const limit = config.timeoutMs + (init.extraMs ?? 0);
      let res: Response;
      let text: string;
      try {
        res = await doFetch(`${base}${path}`, {
          method,
          headers: {
            ...(config.authorization ? { authorization: config.authorization } : {}),
            ...init.headers,
          },
          ...(init.body === undefined ? {} : { body: init.body }),
          signal: AbortSignal.timeout(limit),
        });
        text = await res.text();
      } catch (err) {
        throw noAnswer("kafka", { what: `${method} ${path}`, write: init.write, limitMs: limit }, err);
      }
      if (!res.ok) throw refusalOrUnknown(path, res.status, text, init.write);
      try {
        return JSON.parse(text);
      } catch {
        if (init.write) throw unusableAppendAnswer("kafka", res.status, "its body is not JSON");
        throw new UpstreamError(
          "kafka",
          `${path} answered ${res.status} with a body that is not JSON`,
          res.status,
        );
      }
    },
  };
}

/** Base64 of the UTF-8 bytes of `text` (no Buffer in Workers). */
export function utf8ToBase64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The text of base64 bytes, decoded as UTF-8. Bytes that are not UTF-8 (a record some other producer wrote)
 * become U+FFFD, so the projector sees an undecodable event rather than a stuck partition.
 */
export function base64ToUtf8(b64: string): string {
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder("utf-8").decode(bytes);
}
