/**
 * Reads the `Upstash-*` publish headers (docs/protocols.md#publish-headers) into a delivery spec. Header names are
 * lowercase here: Node lowercases request headers and batch items arrive lowercase. Every malformed value
 * is refused with a 400 naming the header, before anything is accepted.
 */
import type { IncomingHttpHeaders } from "node:http";
import { parseDuration } from "../delivery/durations";
import { compileRetryDelay } from "../delivery/retry-delay";
import { badRequest } from "../errors";
import { isHttpUrl } from "../state/names";
import { DEFAULT_RETRIES, type FlowControlSpec, type HttpMethod, type PublishSpec } from "../state/spec";
import { refuseUnknownHeaders } from "./header-refusals";
import { parseRedactFields } from "./redact";

const METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

/** Lowercase header name → value. */
export type HeaderBag = Map<string, string>;

/** QStash caps retries by plan; the emulator allows what any paid plan would. */
const MAX_RETRIES = 100;
const FORWARD_PREFIX = "upstash-forward-";
/** Headers a client may not meaningfully forward: they describe the connection, not the message. */
const HOP_BY_HOP = new Set([
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
]);

export function headerBagFromHttp(headers: IncomingHttpHeaders): HeaderBag {
  const bag: HeaderBag = new Map();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    bag.set(name.toLowerCase(), Array.isArray(value) ? value.join(", ") : value);
  }
  return bag;
}

/** Batch items carry headers as a JSON object; every value must be a string. */
export function headerBagFromObject(headers: unknown, where: string): HeaderBag {
  const bag: HeaderBag = new Map();
  if (headers === undefined || headers === null) return bag;
  if (typeof headers !== "object" || Array.isArray(headers))
    throw badRequest(`${where}: headers must be an object`);
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== "string") throw badRequest(`${where}: header "${name}" must be a string`);
    bag.set(name.toLowerCase(), value);
  }
  return bag;
}

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value.trim())) throw badRequest(`invalid ${name} header "${value}": expected an integer`);
  const n = Number(value.trim());
  if (n < min || n > max)
    throw badRequest(`invalid ${name} header "${value}": must be from ${min} to ${max}`);
  return n;
}

function duration(name: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw badRequest(`invalid ${name} header: ${(err as Error).message}`);
  }
}

/** `parallelism=P, rate=R, period=X` with parts in any order, at least one of parallelism and rate. */
export function parseFlowControlValue(key: string, value: string): FlowControlSpec {
  const spec: FlowControlSpec = { key, periodMs: 1000 };
  for (const part of value.split(",")) {
    const m = /^\s*(parallelism|rate|period)\s*=\s*(\S+)\s*$/i.exec(part);
    if (!m || m[1] === undefined || m[2] === undefined) {
      throw badRequest(
        `invalid Upstash-Flow-Control-Value "${value}": expected parallelism=P, rate=R, period=X`,
      );
    }
    const field = m[1].toLowerCase();
    if (field === "period") {
      spec.periodMs = /^\d+$/.test(m[2])
        ? Number(m[2]) * 1000
        : duration("Upstash-Flow-Control-Value period", m[2]);
      if (spec.periodMs <= 0) throw badRequest("invalid Upstash-Flow-Control-Value: period must be positive");
    } else {
      const n = integer(`Upstash-Flow-Control-Value ${field}`, m[2], 1, 1_000_000);
      if (field === "rate") spec.rate = n;
      else spec.parallelism = n;
    }
  }
  if (spec.parallelism === undefined && spec.rate === undefined) {
    throw badRequest("invalid Upstash-Flow-Control-Value: set parallelism, rate or both");
  }
  return spec;
}

function parseMethod(value: string | undefined): HttpMethod {
  if (value === undefined) return "POST";
  const upper = value.trim().toUpperCase();
  const method = METHODS.find((m) => m === upper);
  if (!method)
    throw badRequest(`invalid Upstash-Method header "${value}": expected one of ${METHODS.join(", ")}`);
  return method;
}

function parseBoolean(name: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  if (v !== "true" && v !== "false")
    throw badRequest(`invalid ${name} header "${value}": expected true or false`);
  return v === "true";
}

function callbackUrl(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isHttpUrl(value.trim()))
    throw badRequest(`invalid ${name} header "${value}": expected an http(s) URL`);
  return value.trim();
}

/**
 * Builds the delivery spec from a publish's headers; throws a 400 `QStashRequestError` on a malformed value
 * or on an `Upstash-*` header the emulator does not implement (`extraHeaders` are read by the caller).
 */
export function parsePublishHeaders(bag: HeaderBag, extraHeaders: readonly string[] = []): PublishSpec {
  refuseUnknownHeaders(bag.keys(), extraHeaders);
  const get = (name: string) => bag.get(name);
  const spec: PublishSpec = {
    method: parseMethod(get("upstash-method")),
    forward: [],
    delayMs: 0,
    retries: DEFAULT_RETRIES,
    contentBasedDeduplication: parseBoolean(
      "Upstash-Content-Based-Deduplication",
      get("upstash-content-based-deduplication"),
    ),
    labels: [],
  };
  const contentType = get("content-type");
  if (contentType !== undefined) spec.contentType = contentType;
  for (const [name, value] of bag) {
    if (!name.startsWith(FORWARD_PREFIX)) continue;
    const target = name.slice(FORWARD_PREFIX.length);
    if (target === "" || HOP_BY_HOP.has(target)) continue;
    spec.forward.push([target, value]);
  }
  const delay = get("upstash-delay");
  if (delay !== undefined) spec.delayMs = duration("Upstash-Delay", delay);
  const notBefore = get("upstash-not-before");
  if (notBefore !== undefined) spec.notBefore = integer("Upstash-Not-Before", notBefore, 0, 253_402_300_799);
  const retries = get("upstash-retries");
  if (retries !== undefined) spec.retries = integer("Upstash-Retries", retries, 0, MAX_RETRIES);
  const retryDelay = get("upstash-retry-delay");
  if (retryDelay !== undefined) {
    try {
      spec.retryDelay = { expression: retryDelay, delay: compileRetryDelay(retryDelay) };
    } catch (err) {
      throw badRequest(`invalid Upstash-Retry-Delay header "${retryDelay}": ${(err as Error).message}`);
    }
  }
  const timeout = get("upstash-timeout");
  if (timeout !== undefined) {
    spec.timeoutMs = /^\d+$/.test(timeout.trim())
      ? Number(timeout) * 1000
      : duration("Upstash-Timeout", timeout);
    if (spec.timeoutMs <= 0)
      throw badRequest(`invalid Upstash-Timeout header "${timeout}": must be positive`);
  }
  const dedupId = get("upstash-deduplication-id");
  if (dedupId !== undefined) {
    if (dedupId.trim() === "") throw badRequest("invalid Upstash-Deduplication-Id header: empty");
    spec.deduplicationId = dedupId;
  }
  const fcKey = get("upstash-flow-control-key");
  const fcValue = get("upstash-flow-control-value");
  if (fcKey !== undefined || fcValue !== undefined) {
    if (!fcKey?.trim()) throw badRequest("Upstash-Flow-Control-Value needs an Upstash-Flow-Control-Key");
    if (fcValue === undefined)
      throw badRequest("Upstash-Flow-Control-Key needs an Upstash-Flow-Control-Value");
    spec.flowControl = parseFlowControlValue(fcKey, fcValue);
  }
  const label = get("upstash-label");
  if (label !== undefined) spec.labels = label.split(",").filter((l) => l !== "");
  const callback = callbackUrl("Upstash-Callback", get("upstash-callback"));
  if (callback !== undefined) spec.callback = callback;
  const failureCallback = callbackUrl("Upstash-Failure-Callback", get("upstash-failure-callback"));
  if (failureCallback !== undefined) spec.failureCallback = failureCallback;
  const redact = get("upstash-redact-fields");
  if (redact !== undefined) spec.redact = parseRedactFields(redact);
  return spec;
}
