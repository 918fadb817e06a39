import { CURRENT_SCHEMA_VERSION } from "./envelope";
import { isJsonRecord, type JsonRecord } from "./json";

/**
 * Rewrites a raw envelope (parsed JSON, not yet validated) from one schema version to the next. It must
 * be total: given something malformed it returns it unchanged and lets the strict validation that follows
 * name the problem. It need not set `schemaVersion`; the chain does.
 */
export type Upcaster = (raw: JsonRecord) => JsonRecord;

/** The oldest schema version that can still be read. */
export const OLDEST_SCHEMA_VERSION = 0;

/**
 * Schema version 0 (the pattern, kept as a worked example): `TaskCreated.data` was `{ title }`; version 1
 * renamed it to `{ text }`. Everything else is unchanged.
 */
function titleBecameText(raw: JsonRecord): JsonRecord {
  if (raw.type !== "TaskCreated" || !isJsonRecord(raw.data) || !("title" in raw.data)) return raw;
  const { title, ...rest } = raw.data;
  return { ...raw, data: { ...rest, text: title } };
}

/**
 * Upcasters by the version they read: `UPCASTERS[n]` turns version n into n + 1. To change the schema:
 * bump CURRENT_SCHEMA_VERSION, add the upcaster from the previous version here, and never edit an old one
 * (old records in the log stay as they were written).
 */
export const UPCASTERS: Readonly<Record<number, Upcaster>> = {
  0: titleBecameText,
};

/** Raises a raw envelope of `fromVersion` to CURRENT_SCHEMA_VERSION, or says why it cannot. */
export function upcast(
  raw: JsonRecord,
  fromVersion: number,
): { ok: true; raw: JsonRecord } | { ok: false; reason: string } {
  if (fromVersion > CURRENT_SCHEMA_VERSION) {
    return {
      ok: false,
      reason: `schemaVersion ${fromVersion} is from the future (this code reads up to ${CURRENT_SCHEMA_VERSION})`,
    };
  }
  if (fromVersion < OLDEST_SCHEMA_VERSION) {
    return { ok: false, reason: `schemaVersion ${fromVersion} is older than any known version` };
  }
  let current = raw;
  for (let version = fromVersion; version < CURRENT_SCHEMA_VERSION; version++) {
    const step = UPCASTERS[version];
    if (step === undefined) return { ok: false, reason: `no upcaster from schemaVersion ${version}` };
    current = { ...step(current), schemaVersion: version + 1 };
  }
  return { ok: true, raw: current };
}
