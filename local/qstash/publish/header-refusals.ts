/**
 * Which `Upstash-*` request headers the emulator knows. Every other `Upstash-*` header is refused with a 400
 * naming it and saying why, because QStash would act on it and the emulator would not: a header accepted and
 * dropped would make a developer believe it worked. `local/qstash/README.md` lists the same refusals.
 */
import { badRequest } from "../errors";

/** Headers that set how a message is delivered (docs/protocols.md#publish-headers). */
const PUBLISH = [
  "upstash-method",
  "upstash-delay",
  "upstash-not-before",
  "upstash-retries",
  "upstash-retry-delay",
  "upstash-timeout",
  "upstash-deduplication-id",
  "upstash-content-based-deduplication",
  "upstash-flow-control-key",
  "upstash-flow-control-value",
  "upstash-label",
  "upstash-callback",
  "upstash-failure-callback",
  "upstash-redact-fields",
];

/** Client telemetry: QStash only counts it, so it has no behaviour to emulate. */
const TELEMETRY = ["upstash-telemetry-sdk", "upstash-telemetry-runtime", "upstash-telemetry-platform"];

/** Only `POST /v2/schedules/{destination}` reads these. */
export const SCHEDULE_HEADERS = ["upstash-cron", "upstash-schedule-id", "upstash-queue-name"];

/** Known families the emulator refuses, with the reason given in the error. */
const REFUSED_PREFIXES: Array<[string, string]> = [
  [
    "upstash-callback-",
    "per-callback delivery options are not implemented (callbacks use the default method, retries and timeout)",
  ],
  [
    "upstash-failure-callback-",
    "per-callback delivery options are not implemented (failure callbacks use the default method, retries and timeout)",
  ],
  ["upstash-workflow-", "Upstash Workflow is not emulated"],
  ["upstash-cron", "a cron belongs to POST /v2/schedules/{destination}, not to a publish"],
  ["upstash-schedule-id", "a schedule id belongs to POST /v2/schedules/{destination}, not to a publish"],
  ["upstash-queue-name", "publish to a queue with POST /v2/enqueue/{queue}/{destination}"],
];

function display(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/**
 * Throws a 400 for the first `Upstash-*` header (lowercase name) that is neither forwarded, nor a publish
 * header, nor telemetry, nor in `extra`.
 */
export function refuseUnknownHeaders(names: Iterable<string>, extra: readonly string[] = []): void {
  const known = new Set([...PUBLISH, ...TELEMETRY, ...extra]);
  for (const name of names) {
    if (!name.startsWith("upstash-") || name.startsWith("upstash-forward-") || known.has(name)) continue;
    const reason =
      REFUSED_PREFIXES.find(([prefix]) => name.startsWith(prefix))?.[1] ??
      "the emulator does not know this header";
    throw badRequest(`unsupported header ${display(name)}: ${reason}`);
  }
}
