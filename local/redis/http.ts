/**
 * HTTP details of the Upstash REST front end that are not about Redis: the bearer token,
 * CORS for browsers (docs/protocols.md#authentication-and-cors) and JSON answers in the `{error}` shape the client
 * expects (docs/protocols.md#answers-and-errors).
 */
import { timingSafeEqual } from "node:crypto";
import type { EmulatorRequest, EmulatorResponse } from "../common/emulator";

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(token, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `Authorization: Bearer <token>`, or `?_token=<token>` as Upstash also accepts. */
export function isAuthorized(req: EmulatorRequest, token: string): boolean {
  const header = req.headers.authorization;
  const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header.trim()) : null;
  if (match?.[1] !== undefined && sameSecret(match[1], token)) return true;
  const query = req.url.searchParams.get("_token");
  return query !== null && sameSecret(query, token);
}

const ALLOWED_HEADERS = [
  "authorization",
  "content-type",
  "upstash-encoding",
  "upstash-sync-token",
  "upstash-response-format",
  "upstash-telemetry-runtime",
  "upstash-telemetry-platform",
  "upstash-telemetry-sdk",
  "upstash-telemetry-retry",
].join(", ");

/** Sent on every answer so that a local browser app can read results and the sync token. */
export const CORS_HEADERS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "upstash-sync-token",
};

/** Permissive preflight answer: local development only, any origin, the headers the client sends. */
export function preflight(req: EmulatorRequest): EmulatorResponse {
  const requested = req.headers["access-control-request-headers"];
  return {
    status: 204,
    headers: {
      ...CORS_HEADERS,
      "access-control-allow-methods": "GET, HEAD, POST, PUT, OPTIONS",
      "access-control-allow-headers":
        typeof requested === "string" && requested ? requested : ALLOWED_HEADERS,
      "access-control-max-age": "600",
    },
  };
}

/** A JSON answer whose body is already JSON text (so integers keep their digits). */
export function jsonText(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return {
    status,
    headers: { ...CORS_HEADERS, "content-type": "application/json", ...headers },
    body: Buffer.from(body, "utf8"),
  };
}

export function jsonError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return jsonText(status, JSON.stringify({ error: message }), headers);
}
