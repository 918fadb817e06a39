/**
 * Flow-control routes (docs/protocols.md#management-routes): `GET /v2/flowControl[/{key}]`, and
 * `POST /v2/flowControl/{key}/pause|resume|resetRate`, `.../pin?parallelism=&rate=&period=` and
 * `.../unpin?parallelism=true&rate=true`.
 */
import { type EmulatorRequest, type EmulatorResponse, json } from "../../common/emulator";
import type { QStashState } from "../context";
import { badRequest } from "../errors";
import type { PinRequest } from "../state/flow-control";
import { noQuery, type Segments } from "./manage";

function only(query: URLSearchParams, allowed: string[], where: string): void {
  for (const name of query.keys())
    if (!allowed.includes(name)) throw badRequest(`unsupported query parameter "${name}" on ${where}`);
}

function pinRequest(query: URLSearchParams): PinRequest {
  const pin: PinRequest = {};
  for (const name of ["parallelism", "rate", "period"] as const) {
    const raw = query.get(name);
    if (raw === null) continue;
    if (!/^\d+$/.test(raw) || Number(raw) < 1)
      throw badRequest(`invalid ${name} "${raw}": expected a positive integer`);
    pin[name] = Number(raw);
  }
  if (pin.parallelism === undefined && pin.rate === undefined)
    throw badRequest("pin needs parallelism, rate or both");
  return pin;
}

function flag(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null || raw === "false") return false;
  if (raw === "true") return true;
  throw badRequest(`invalid ${name} "${raw}": expected true or false`);
}

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest(`invalid flow control key "${raw}": bad percent-encoding`);
  }
}

export function flowControl(
  state: QStashState,
  req: EmulatorRequest,
  seg: Segments,
): EmulatorResponse | undefined {
  const [, rawKey, action, extra] = seg;
  if (extra !== undefined) return undefined;
  const query = new URLSearchParams(req.rawQuery);
  const where = `${req.method} ${req.rawPath}`;
  if (rawKey === undefined) {
    noQuery(req);
    return req.method === "GET" ? json(200, state.flowKeys.list()) : undefined;
  }
  const key = decodeKey(rawKey);
  if (action === undefined) {
    noQuery(req);
    return req.method === "GET" ? json(200, state.flowKeys.info(key)) : undefined;
  }
  if (req.method !== "POST") return undefined;
  if (action === "pin") {
    only(query, ["parallelism", "rate", "period"], where);
    state.flowKeys.pin(key, pinRequest(query));
  } else if (action === "unpin") {
    only(query, ["parallelism", "rate"], where);
    state.flowKeys.unpin(key, { parallelism: flag(query, "parallelism"), rate: flag(query, "rate") });
  } else if (action === "pause" || action === "resume") {
    noQuery(req);
    state.flowKeys.setPaused(key, action === "pause");
  } else if (action === "resetRate") {
    noQuery(req);
    state.flowKeys.resetRate(key);
  } else {
    return undefined;
  }
  return json(200, {});
}
