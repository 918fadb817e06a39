/**
 * The app's GraphQL client. Every failure becomes an ApiError with a kind that says what to do about it:
 * `offline` and `transient` are retried (with the same idempotency key, so a retry never duplicates),
 * `permanent` is dropped and shown.
 */
export type ErrorKind = "offline" | "transient" | "permanent";

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string | undefined,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface Answer<T> {
  data: T;
  /** `x-consistency-token` of a mutation: pass it as `after` so a later read shows the change. */
  token: string | null;
}

/**
 * Codes the server answers for conditions that pass: the same request later can succeed. A rate limit is one: the
 * outbox's backoff (up to 8 s) waits about as long as the server's Retry-After (10 s) asks.
 */
const TRANSIENT = new Set(["UNAVAILABLE", "STALE", "CONFLICT", "INTERNAL_SERVER_ERROR", "RATE_LIMITED"]);

const REQUEST_TIMEOUT_MS = 20_000;

interface ErrorBody {
  message?: string;
  extensions?: { code?: string; requestId?: string };
}

export async function graphql<T>(
  query: string,
  variables: Record<string, unknown>,
  options: { keepalive?: boolean } = {},
): Promise<Answer<T>> {
  let res: Response;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query, variables }),
      // A mutation in flight when the page unloads still reaches the server; the outbox replays it after the
      // reload with the same idempotency key, which then answers the original result.
      keepalive: options.keepalive ?? false,
      // The server bounds its own waits (a few seconds); past this the connection itself is lost: retry.
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    throw new ApiError("offline", undefined, "the server could not be reached");
  }
  let body: { data?: T | null; errors?: ErrorBody[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ApiError(res.status >= 500 ? "transient" : "permanent", undefined, `HTTP ${res.status}`);
  }
  const first = body.errors?.[0];
  if (first || body.data === undefined || body.data === null) {
    const code = first?.extensions?.code;
    const kind =
      code !== undefined && TRANSIENT.has(code) ? "transient" : res.status >= 502 ? "transient" : "permanent";
    throw new ApiError(kind, code, first?.message ?? `HTTP ${res.status}`, first?.extensions?.requestId);
  }
  return { data: body.data, token: res.headers.get("x-consistency-token") };
}
