/**
 * Our Lua scripts, run as the Upstash client's `createScript` runs one (EVALSHA; on NOSCRIPT, EVAL of the text,
 * which also loads it), but with each script's SHA-1 computed once per isolate. `createScript` digests its text
 * whenever it is called, and the command worker builds its adapters, so its scripts, for every request: hashing a
 * dozen scripts of which a request runs one or two was most of the CPU of building them.
 */
import type { Redis } from "./client";

/** A script bound to a client: `exec` runs it with `keys` and `args` (KEYS and ARGV) and answers its reply. */
export interface RedisScript<T> {
  exec(keys: string[], args: string[]): Promise<T>;
}

// Keyed by text: the scripts are constants of the code, so this holds one entry per script the isolate ran.
const shas = new Map<string, Promise<string>>();

/** The SHA-1 of `text` in hex, as EVALSHA names a script: digested at the first call for `text`, then kept. */
export function scriptSha(text: string): Promise<string> {
  let sha = shas.get(text);
  if (!sha) {
    sha = crypto.subtle.digest("SHA-1", new TextEncoder().encode(text)).then(
      (digest) => [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join(""),
      (error: unknown) => {
        shas.delete(text); // a failed digest is tried again by the next call, not kept
        throw error;
      },
    );
    shas.set(text, sha);
  }
  return sha;
}

/** `text` as a script of `redis`: cheap to make (nothing is digested here), so adapters may make theirs per request. */
export function redisScript<T = unknown>(redis: Redis, text: string): RedisScript<T> {
  return {
    async exec(keys, args) {
      const sha = await scriptSha(text);
      try {
        return await redis.evalsha<string[], T>(sha, keys, args);
      } catch (error) {
        // Redis does not hold the script yet (a new server, a flush, a new script): EVAL sends it and loads it.
        if (error instanceof Error && error.message.toLowerCase().includes("noscript")) {
          return await redis.eval<string[], T>(text, keys, args);
        }
        throw error;
      }
    },
  };
}
