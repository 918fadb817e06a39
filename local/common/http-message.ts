/** The request and the answer as every emulator's protocol handler sees them, and the two answers they all build. */
import type { IncomingHttpHeaders } from "node:http";

export interface EmulatorRequest {
  method: string;
  /** Parsed URL (with `http://host` prefixed); use `rawPath` when the exact bytes matter. */
  url: URL;
  /** The request target's path exactly as sent, before `?`, not decoded, slashes not collapsed. */
  rawPath: string;
  /** The request target's query string exactly as sent, without the leading `?` ("" when absent). */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The peer's IP address (IPv4-mapped IPv6 addresses as plain IPv4). */
  remoteAddress?: string;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** A Buffer or string is sent as is; anything else is sent as JSON. `undefined` sends no body. */
  body?: unknown;
}

export type Handler = (req: EmulatorRequest) => Promise<EmulatorResponse> | EmulatorResponse;

/**
 * A route of an emulator whose routes share a context `C` (its storage, its limits); `params` are the raw
 * (undecoded) path segments the route's pattern names.
 */
export type ContextHandler<C> = (
  ctx: C,
  req: EmulatorRequest,
  params: Record<string, string>,
) => Promise<EmulatorResponse> | EmulatorResponse;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, body, headers };
}

export function errorResponse(status: number, message: string): EmulatorResponse {
  return { status, body: { error: message, status } };
}
