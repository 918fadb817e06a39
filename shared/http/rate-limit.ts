/**
 * Rate limits per client address, over Cloudflare's rate limiting binding (`[[ratelimits]]` in a wrangler file):
 * each binding is one bucket of `limit` calls per `period` seconds per key, counted in the Cloudflare location that
 * serves the request, permissive and eventually consistent by design. The workers key every bucket by the client's
 * address; which requests spend which bucket is each worker's decision.
 */
import { type BindingName, type Bindings, binding } from "../config";
import { ConfigError } from "../errors";

/** The binding as the workers use it: the runtime's `RateLimit`, or any object that answers the same way. */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/**
 * The period of every bucket, in seconds, as the wrangler files declare it (`simple.period`): the binding cannot
 * tell it, so a refusal's `Retry-After` names this, the longest a client can have to wait for its bucket to refill.
 */
export const RATE_LIMIT_PERIOD_SECONDS = 10;

/** The key of every request whose address is missing or is not an address: they all share one bucket. */
export const UNKNOWN_CLIENT = "unknown";

/** The rate limiting binding `name`; a missing one, or a variable in its place, fails naming it. */
export function rateLimiter(env: Bindings, name: BindingName): RateLimiter {
  const value = binding(env, name);
  if (value === undefined || value === null) {
    throw new ConfigError(
      name,
      "is missing: declare it as a rate limiting binding ([[ratelimits]]) in the worker's wrangler file",
    );
  }
  if (!isRateLimiter(value)) {
    throw new ConfigError(name, "must be a rate limiting binding ([[ratelimits]]), not a variable or secret");
  }
  return value;
}

function isRateLimiter(value: unknown): value is RateLimiter {
  return typeof value === "object" && typeof (value as { limit?: unknown }).limit === "function";
}

/**
 * Spends `count` tokens of `key`'s bucket, one `limit()` call each (the binding counts calls), stopping at the first
 * refusal: true when every one was granted. Tokens granted before a refusal stay spent.
 */
export async function spend(limiter: RateLimiter, key: string, count: number): Promise<boolean> {
  for (let spent = 0; spent < count; spent++) {
    if (!(await limiter.limit({ key })).success) return false;
  }
  return true;
}

/**
 * The bucket key of a client address (`CF-Connecting-IP`, which Cloudflare sets on every request from outside): an
 * IPv4 address as it is, an IPv6 address as its /64 (one subscriber usually holds a whole /64, so counting single
 * addresses would let it take 2^64 buckets), an IPv4 address mapped into IPv6 as the IPv4 address. A missing header
 * (a request made in process, a subrequest from another worker) or one that is not an address shares
 * {@link UNKNOWN_CLIENT}: leaving it out never escapes a limit.
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined) return UNKNOWN_CLIENT;
  const text = address.trim().toLowerCase();
  if (isIpv4(text)) return text;
  const groups = ipv6Groups(text);
  if (groups === undefined) return UNKNOWN_CLIENT;
  const mapped = groups.slice(0, 6).join(":") === "0:0:0:0:0:ffff";
  if (mapped) {
    const [high = 0, low = 0] = groups.slice(6).map((g) => Number.parseInt(g, 16));
    return [high >> 8, high & 255, low >> 8, low & 255].join(".");
  }
  return `${groups.slice(0, 4).join(":")}::/64`;
}

function isIpv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** The eight groups of an IPv6 address, each without leading zeros, or undefined when `text` is not one. */
function ipv6Groups(text: string): string[] | undefined {
  if (text.length > 45 || !text.includes(":")) return undefined;
  let body = text;
  // A dotted IPv4 tail stands for the last two groups.
  const tail = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (tail) {
    const [, head = "", v4 = ""] = tail;
    if (!isIpv4(v4)) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4.split(".").map(Number);
    body = `${head}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const split = (half: string | undefined) => (half ? half.split(":") : []);
  const head = split(halves[0]);
  const rest = split(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(Math.max(missing, 0)).fill("0"), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16).toString(16));
}
