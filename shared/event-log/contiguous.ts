/**
 * The check every adapter makes on what a read answered: records from the offset asked, one after another. A log
 * whose offsets are not dense (retention, trimming, compaction, an entry deleted by hand, a proxy dropping
 * records) fails the read loudly instead of letting a reader skip events; the projector then stops the partition
 * at its checkpoint, with this message as the reason, and folds nothing past it.
 */
import { type Service, UpstreamError } from "../errors";
import type { LogRecord } from "./port";

/** A read that found offsets missing: records the log no longer holds (a gap), never a passing fault. */
export class LogGapError extends UpstreamError {
  override readonly name: string = "LogGapError";
}

export interface ReadAnswer {
  service: Service;
  /** The read, as the message names it: `fetch`, `XRANGE of log:{events:0}`. */
  what: string;
  /** What the operator must know to fix it, appended to the message. */
  advice?: string;
  /**
   * The partition's next offset, read before the records, when the log keeps it apart from them: an answer with
   * no records below it is a gap, not the end.
   */
  end?: number;
}

/** Throws unless `records` (sorted) are `fromOffset`, `fromOffset + 1`, ... with none missing or repeated. */
export function assertContiguous(records: readonly LogRecord[], fromOffset: number, read: ReadAnswer): void {
  const advice = read.advice ? ` (${read.advice})` : "";
  if (records.length === 0) {
    if (read.end === undefined || fromOffset >= read.end) return;
    throw new LogGapError(
      read.service,
      `${read.what} from offset ${fromOffset} answered no records, but the log's end is ${read.end}: offsets ${fromOffset} to ${read.end - 1} are missing${advice}`,
    );
  }
  if (records.every((r, i) => r.offset === fromOffset + i)) return;
  const first = records[0]?.offset;
  const last = records[records.length - 1]?.offset;
  const repeated = records.some((r, i) => i > 0 && records[i - 1]?.offset === r.offset);
  const missing = (last ?? 0) - (first ?? 0) + 1 - new Set(records.map((r) => r.offset)).size;
  const shape = [...(missing > 0 ? [`${missing} missing`] : []), ...(repeated ? ["one twice"] : [])].join(
    " and ",
  );
  throw new LogGapError(
    read.service,
    `${read.what} from offset ${fromOffset} answered offsets ${first} to ${last}${shape ? ` with ${shape}` : ""}: the records must start at the offset asked, one after another${advice}`,
  );
}
