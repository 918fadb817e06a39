/**
 * The Redis Streams adapter's transport: one command (`POST /`) to an Upstash-Redis-REST-compatible endpoint, with
 * a bounded time and sent once. An append's answer is classified by the one rule of append-outcome.ts; a failed
 * read is a plain upstream failure.
 */
import { isJsonRecord } from "../../domain";
import { UpstreamError } from "../../errors";
import { appendFailure, unusableAppendAnswer } from "../append-outcome";
import { noAnswer } from "../no-answer";

export interface RestConfig {
  url: string;
  token: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/**
 * Redis answered that it has no script under the SHA sent: the script did not run, so nothing was written,
 * whatever status carried the answer.
 */
export class ScriptNotLoadedError extends UpstreamError {
  override readonly name: string = "ScriptNotLoadedError";
}

export interface RedisRest {
  /** Sends one command; a `write` fails as append-outcome.ts says, anything else as a plain upstream error. */
  command(args: readonly (string | number)[], write: boolean): Promise<unknown>;
}

/** The `{error}` of an answer, or the start of its text. */
function reasonOf(parsed: unknown, text: string): string {
  return isJsonRecord(parsed) && typeof parsed.error === "string"
    ? parsed.error
    : text.slice(0, 200) || "no body";
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createRedisRest(config: RestConfig): RedisRest {
  const base = config.url.replace(/\/+$/, "");
  // Called as a plain function: Workers' fetch throws "Illegal invocation" when called as a method of another object.
  const doFetch = config.fetch;

  async function send(body: unknown, what: string, write: boolean) {
    try {
      const res = await doFetch(base, {
        method: "POST",
        headers: { authorization: `Bearer ${config.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      const text = await res.text();
      return { status: res.status, ok: res.ok, text, parsed: parse(text) };
    } catch (err) {
      throw noAnswer("redis", { what, write, limitMs: config.timeoutMs }, err);
    }
  }

  return {
    async command(args, write) {
      const what = String(args[0]).toUpperCase();
      const { status, ok, text, parsed } = await send(args, what, write);
      if (ok && isJsonRecord(parsed) && "result" in parsed) return parsed.result;
      const reason = reasonOf(parsed, text);
      const message = `${what} answered ${status}: ${reason}`;
      if (!write) throw new UpstreamError("redis", message, status);
      if (isJsonRecord(parsed) && typeof parsed.error === "string" && parsed.error.startsWith("NOSCRIPT"))
        throw new ScriptNotLoadedError("redis", message, status);
      if (ok) throw unusableAppendAnswer("redis", status, `its body is ${text.slice(0, 200) || "empty"}`);
      throw appendFailure("redis", status, message);
    },
  };
}
