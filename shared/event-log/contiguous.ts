/**
 * The check every adapter makes on what a read answered: records from the offset asked, one after another. A log
 * whose offsets are not dense (retention, trimming, compaction, an entry deleted by hand, a proxy dropping
 * records) fails the read loudly instead of letting a reader skip events. The error carries the records before the
 * first missing offset: the projector folds them, then stops the partition at that offset, with this message (which
 * names the offsets missing) as the reason, and folds nothing past it.
 */
import { type Service, UpstreamError } from "../errors";
import type { LogRecord } from "./port";

/** A read that found offsets missing: records the log no longer holds (a gap), never a passing fault. */
export class LogGapError extends UpstreamError {
  override readonly name: string = "LogGapError";

  /**
   * @param before the records the read answered from the offset asked up to the first one missing, in order (none
   *   when the first offset asked is missing).
   */
  constructor(
    service: Service,
    message: string,
    readonly before: readonly LogRecord[] = [],
  ) {
    super(service, message);
  }
}

/** Offsets `from` to `to`, as a message names them. */
const offsets = (from: number, to: number) => (from === to ? `offset ${from}` : `offsets ${from} to ${to}`);

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
      `${read.what} from offset ${fromOffset} answered no records, but the log's end is ${read.end}: ${offsets(fromOffset, read.end - 1)} ${read.end - 1 === fromOffset ? "is" : "are"} missing${advice}`,
    );
  }
  // The records in order from the offset asked, up to the first that is not the next one.
  let run = 0;
  while (run < records.length && records[run]?.offset === fromOffset + run) run++;
  if (run === records.length) return;
  const first = records[0]?.offset ?? fromOffset;
  const last = records[records.length - 1]?.offset ?? fromOffset;
  const answered = new Set(records.map((r) => r.offset).filter((offset) => offset >= fromOffset));
  const missing = Math.max(0, last - fromOffset + 1 - answered.size);
  const repeated = records.some((r, i) => i > 0 && records[i - 1]?.offset === r.offset);
  // The first offsets missing: from the first one not answered in turn up to the next one answered.
  const gapFrom = fromOffset + run;
  const next = records[run]?.offset ?? gapFrom;
  const firstGap = next > gapFrom ? next - gapFrom : 0;
  const which =
    firstGap === 0 ? "" : ` (${firstGap === missing ? "" : "the first: "}${offsets(gapFrom, next - 1)})`;
  const shape = [
    ...(missing > 0 ? [`${missing} missing${which}`] : []),
    ...(repeated ? ["one twice"] : []),
  ].join(" and ");
  throw new LogGapError(
    read.service,
    `${read.what} from offset ${fromOffset} answered offsets ${first} to ${last}${shape ? ` with ${shape}` : ""}: the records must start at the offset asked, one after another${advice}`,
    records.slice(0, run),
  );
}
