/**
 * The app's GraphQL client. Every failure becomes an ApiError with a kind that says what to do about it:
 * `offline` and `transient` are retried (with the same idempotency key, so a retry never duplicates),
 * `permanent` is dropped and shown. Only a definite refusal is permanent: a coded GraphQL error that a retry cannot
 * change, or a 4xx other than 408, 425 and 429 when the body says nothing readable.
 */
export type ErrorKind = "offline" | "transient" | "permanent";

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string | undefined,
    message: string,
    readonly requestId?: string,
    /** How long the server asked to be left alone (`Retry-After`), when it said. */
    readonly retryAfterMs?: number,
    /** The argument the server named (`extensions.field`): `expectedVersion` for a change made on an older todo. */
    readonly field?: string,
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
/** Statuses that say "not now" rather than "never", whatever the body: a timeout, too early, too many requests. */
const PASSING_STATUS = new Set([408, 425, 429]);
/** The longest `Retry-After` honoured: a longer one is waited in steps of this (the outbox asks again then). */
const MAX_RETRY_AFTER_MS = 60_000;

/** `Retry-After` in ms (seconds or an HTTP date), when the answer has one. */
function retryAfterOf(res: Response): number | undefined {
  const value = res.headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)) : undefined;
}

const passes = (status: number) => status >= 500 || PASSING_STATUS.has(status);

const REQUEST_TIMEOUT_MS = 20_000;

interface ErrorBody {
  message?: string;
  extensions?: { code?: string; requestId?: string; field?: string };
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
  const retryAfterMs = retryAfterOf(res);
  let body: { data?: T | null; errors?: ErrorBody[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // No readable answer (a proxy's page, say): the status alone says whether it may pass.
    const kind = passes(res.status) ? "transient" : "permanent";
    throw new ApiError(kind, undefined, `HTTP ${res.status}`, undefined, retryAfterMs);
  }
  const first = body.errors?.[0];
  if (first || body.data === undefined || body.data === null) {
    const code = first?.extensions?.code;
    const field = first?.extensions?.field;
    // A conflict with the version the change was made on is an answer, not contention: asking again changes nothing.
    const definite = code === "CONFLICT" && field === "expectedVersion";
    const kind =
      code !== undefined && TRANSIENT.has(code) && !definite
        ? "transient"
        : code === undefined && passes(res.status)
          ? "transient"
          : res.status >= 502 && !definite
            ? "transient"
            : "permanent";
    const message = first?.message ?? `HTTP ${res.status}`;
    throw new ApiError(kind, code, message, first?.extensions?.requestId, retryAfterMs, field);
  }
  return { data: body.data, token: res.headers.get("x-consistency-token") };
}
