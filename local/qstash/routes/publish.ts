/**
 * Publishing routes: `POST /v2/publish/{destination}`, `POST /v2/enqueue/{queue}/{destination}` and
 * `POST /v2/batch` (docs/protocols.md#publishing). The destination is raw in the path and its query string is
 * the request's query string, so it is rebuilt from the undecoded path, never from a parsed URL.
 */
import { type EmulatorRequest, type EmulatorResponse, json } from "../../common/emulator";
import type { QStashState } from "../context";
import { badRequest } from "../errors";
import {
  commitPublish,
  outcomeBody,
  type PreparedPublish,
  type PublishInput,
  preparePublish,
  publishResponse,
} from "../publish/accept";
import { headerBagFromHttp, headerBagFromObject } from "../publish/headers";

export const PUBLISH_PREFIX = "/v2/publish/";
export const ENQUEUE_PREFIX = "/v2/enqueue/";

function callerOf(req: EmulatorRequest): { callerIp?: string } {
  return req.remoteAddress === undefined ? {} : { callerIp: req.remoteAddress };
}

function withQuery(path: string, rawQuery: string): string {
  return rawQuery === "" ? path : `${path}?${rawQuery}`;
}

/** `POST /v2/publish/{destination}`: an object for a URL, an array for a URL group, 202 when deduplicated. */
export function publish(state: QStashState, req: EmulatorRequest): EmulatorResponse {
  const destination = withQuery(req.rawPath.slice(PUBLISH_PREFIX.length), req.rawQuery);
  const prepared = preparePublish(state, {
    destination,
    headers: headerBagFromHttp(req.headers),
    body: req.body,
    ...callerOf(req),
  });
  return publishResponse(commitPublish(state, prepared));
}

/** `POST /v2/enqueue/{queue}/{destination}`: as publish, delivered through the queue (created on first use). */
export function enqueue(state: QStashState, req: EmulatorRequest): EmulatorResponse {
  const rest = req.rawPath.slice(ENQUEUE_PREFIX.length);
  const slash = rest.indexOf("/");
  if (slash <= 0) throw badRequest("expected /v2/enqueue/{queue}/{destination}");
  const input: PublishInput = {
    queueName: rest.slice(0, slash),
    destination: withQuery(rest.slice(slash + 1), req.rawQuery),
    headers: headerBagFromHttp(req.headers),
    body: req.body,
    ...callerOf(req),
  };
  return publishResponse(commitPublish(state, preparePublish(state, input)));
}

function batchItem(item: unknown, i: number, callerIp: { callerIp?: string }): PublishInput {
  const where = `batch item ${i}`;
  if (typeof item !== "object" || item === null || Array.isArray(item))
    throw badRequest(`${where} must be an object`);
  const { destination, headers, body, queue, ...rest } = item as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw badRequest(`${where}: unsupported field "${unknown}"`);
  if (typeof destination !== "string" || destination === "") {
    throw badRequest(`${where}: destination must be a non-empty string`);
  }
  if (body !== undefined && body !== null && typeof body !== "string") {
    throw badRequest(`${where}: body must be a string`);
  }
  if (queue !== undefined && typeof queue !== "string") throw badRequest(`${where}: queue must be a string`);
  return {
    destination,
    headers: headerBagFromObject(headers, where),
    body: Buffer.from(typeof body === "string" ? body : "", "utf8"),
    ...(queue !== undefined && queue !== "" && { queueName: queue }),
    ...callerIp,
  };
}

/**
 * `POST /v2/batch`: a JSON array of `{destination, headers, body, queue?}`, answered by an aligned array
 * (an object per URL, a nested array per group). Every item is validated before any is accepted.
 */
export function batch(state: QStashState, req: EmulatorRequest): EmulatorResponse {
  if (req.rawQuery !== "") throw badRequest("POST /v2/batch takes no query parameters");
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString("utf8"));
  } catch {
    throw badRequest("invalid JSON body: expected an array of {destination, headers, body, queue?}");
  }
  if (!Array.isArray(parsed)) throw badRequest("batch body must be a JSON array");
  if (parsed.length === 0) throw badRequest("batch must contain at least one message");
  const prepared: PreparedPublish[] = parsed.map((item, i) => {
    const input = batchItem(item, i, callerOf(req));
    try {
      return preparePublish(state, input);
    } catch (err) {
      if (err instanceof Error) err.message = `batch item ${i}: ${err.message}`;
      throw err;
    }
  });
  return json(
    200,
    prepared.map((p) => outcomeBody(commitPublish(state, p))),
  );
}
