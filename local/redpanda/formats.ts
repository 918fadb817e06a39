/**
 * The embedded formats of Redpanda's HTTP Proxy: how keys and values travel inside the JSON bodies.
 * - binary (`application/vnd.kafka.binary.v2+json`): base64 of the bytes;
 * - json (`application/vnd.kafka.json.v2+json`): the bytes are a JSON document, embedded as JSON.
 * Empty bytes are served as `null` in both (pandaproxy does the same, so an empty key and no key look alike).
 * Produce needs one of them as Content-Type (else 415); fetch needs one of them in Accept (else 406: unlike
 * produce's Accept, a missing or `*` Accept is not enough). Header lists are split on `,`, `;` and spaces, and
 * the first supported entry wins, as pandaproxy's `parse_serialization_format` does.
 */
import type { IncomingHttpHeaders } from "node:http";
import { PROXY_CODE, ProxyError } from "./errors";

export type EmbeddedFormat = "binary" | "json";

export const MEDIA_TYPE = {
  v2: "application/vnd.kafka.v2+json",
  binary: "application/vnd.kafka.binary.v2+json",
  json: "application/vnd.kafka.json.v2+json",
} as const;

function entries(header: string | undefined): string[] {
  return (header ?? "").split(/[,; ]+/).filter((s) => s !== "");
}

function embedded(header: string | undefined): EmbeddedFormat | undefined {
  for (const entry of entries(header)) {
    if (entry === MEDIA_TYPE.binary) return "binary";
    if (entry === MEDIA_TYPE.json) return "json";
  }
  return undefined;
}

/** The format of a produce body, from its Content-Type. */
export function requestFormat(headers: IncomingHttpHeaders): EmbeddedFormat {
  const format = embedded(headers["content-type"]);
  if (!format) throw new ProxyError(PROXY_CODE.unsupportedMediaType, "unsupported_media_type");
  return format;
}

/** The format a fetch answers in, from its Accept. */
export function responseFormat(headers: IncomingHttpHeaders): EmbeddedFormat {
  const format = embedded(headers.accept);
  if (!format) throw new ProxyError(PROXY_CODE.notAcceptable, "not_acceptable");
  return format;
}

/** Checks the Accept of a route that answers plain `application/vnd.kafka.v2+json` (absent or `*\/*` is fine). */
export function acceptV2(headers: IncomingHttpHeaders): void {
  const list = entries(headers.accept);
  if (list.length === 0 || list.some((e) => e === MEDIA_TYPE.v2 || e === "*/*")) return;
  throw new ProxyError(PROXY_CODE.notAcceptable, "not_acceptable");
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of a produced key or value, or undefined when it is not valid in `format`. */
export function decodeEmbedded(format: EmbeddedFormat, raw: unknown): Buffer | undefined {
  if (format === "json") return Buffer.from(JSON.stringify(raw), "utf8");
  if (typeof raw !== "string" || !BASE64.test(raw)) return undefined;
  return Buffer.from(raw, "base64");
}

/**
 * The JSON value a stored key or value is served as, or the `unrepresentable` marker when its bytes are not a
 * JSON document and the fetch asked for json (Redpanda then answers 408 with error code 40801).
 */
export function encodeEmbedded(format: EmbeddedFormat, bytes: Buffer): unknown {
  if (bytes.length === 0) return null;
  if (format === "binary") return bytes.toString("base64");
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return UNREPRESENTABLE;
  }
}

export const UNREPRESENTABLE: unique symbol = Symbol("unrepresentable");
