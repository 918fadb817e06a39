/**
 * The on-disk frame of one record in a partition log:
 *
 *   u32 BE  payload length in bytes
 *   u32 BE  CRC-32 of the 4 length bytes followed by the payload
 *   bytes   payload: UTF-8 JSON `{"o":offset,"t":timestamp,"k":key,"v":value,"h":[{"key","value"}]}`
 *
 * The checksum covers the length too, so a torn or garbled length cannot pass as a frame. JSON keeps the file
 * readable with `strings` and round-trips every JS string (lone surrogates are escaped by JSON.stringify).
 */
import { crc32 } from "node:zlib";

export interface RecordHeader {
  key: string;
  value: string;
}

/** A record as stored and served; `offset` is its position in the partition (0, 1, 2, ...). */
export interface StoredRecord {
  offset: number;
  timestamp: number;
  key: string;
  value: string;
  headers: RecordHeader[];
}

export const FRAME_HEADER_BYTES = 8;
/** Far above the HTTP body limit: a larger length can only be a corrupt header. */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

function frameChecksum(frame: Buffer, payloadLength: number): number {
  const lengthBytes = frame.subarray(0, 4);
  const payload = frame.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + payloadLength);
  return crc32(payload, crc32(lengthBytes));
}

export function encodeFrame(record: StoredRecord): Buffer {
  const payload = Buffer.from(
    JSON.stringify({
      o: record.offset,
      t: record.timestamp,
      k: record.key,
      v: record.value,
      h: record.headers,
    }),
    "utf8",
  );
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, FRAME_HEADER_BYTES);
  frame.writeUInt32BE(frameChecksum(frame, payload.length), 4);
  return frame;
}

function isHeaderList(v: unknown): v is RecordHeader[] {
  return (
    Array.isArray(v) &&
    v.every(
      (h) =>
        typeof h === "object" &&
        h !== null &&
        typeof (h as RecordHeader).key === "string" &&
        typeof (h as RecordHeader).value === "string",
    )
  );
}

function decodePayload(payload: Buffer): StoredRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { o, t, k, v, h } = parsed as Record<string, unknown>;
  if (typeof o !== "number" || typeof t !== "number" || typeof k !== "string" || typeof v !== "string") {
    return undefined;
  }
  if (!isHeaderList(h)) return undefined;
  return { offset: o, timestamp: t, key: k, value: v, headers: h };
}

/**
 * The record of the frame at `pos` of `buf`, a frame already found whole and valid (written by `encodeFrame`, or
 * checked by `decodeLog` when the file was opened), so its checksum is not computed again.
 */
export function storedFrameAt(buf: Buffer, pos: number): StoredRecord {
  const end = pos + FRAME_HEADER_BYTES + buf.readUInt32BE(pos);
  const record = decodePayload(buf.subarray(pos + FRAME_HEADER_BYTES, end));
  if (!record)
    throw new Error(`no record in the frame at byte ${pos}: memory no longer holds what was written`);
  return record;
}

export interface DecodedLog {
  records: StoredRecord[];
  /** Bytes from the start of the file that hold whole, valid frames. */
  validBytes: number;
  /** Why decoding stopped before the end of the buffer; undefined when the whole buffer was valid. */
  problem?: string;
  /**
   * The first whole, valid frame after the problem, if any: then the problem is not a torn tail but damage in the
   * middle, and `records` frames from `byte` on (from `offset`) would be lost by cutting the file there.
   */
  resumesAt?: { byte: number; offset: number; records: number };
}

/** Every payload starts with these bytes (see encodeFrame), which makes scanning for a frame cheap. */
const PAYLOAD_START = Buffer.from('{"o":', "utf8");

/** The whole, valid frame starting at `pos`, if there is one. */
function frameAt(buf: Buffer, pos: number): { record: StoredRecord; length: number } | undefined {
  if (buf.length - pos < FRAME_HEADER_BYTES) return undefined;
  const length = buf.readUInt32BE(pos);
  if (length > MAX_PAYLOAD_BYTES || buf.length - pos < FRAME_HEADER_BYTES + length) return undefined;
  const frame = buf.subarray(pos, pos + FRAME_HEADER_BYTES + length);
  if (frame.readUInt32BE(4) !== frameChecksum(frame, length)) return undefined;
  const record = decodePayload(frame.subarray(FRAME_HEADER_BYTES));
  return record && { record, length: frame.length };
}

/** Looks for whole frames after a problem at `pos`: a crash tears only the tail, so any such frame is damage. */
function framesAfter(buf: Buffer, pos: number): DecodedLog["resumesAt"] {
  for (let at = buf.indexOf(PAYLOAD_START, pos + 1); at !== -1; at = buf.indexOf(PAYLOAD_START, at + 1)) {
    const start = at - FRAME_HEADER_BYTES;
    if (start <= pos) continue;
    const first = frameAt(buf, start);
    if (!first) continue;
    let records = 0;
    let next = start;
    for (let frame = frameAt(buf, next); frame !== undefined; frame = frameAt(buf, next)) {
      records++;
      next += frame.length;
    }
    return { byte: start, offset: first.record.offset, records };
  }
  return undefined;
}

/** Decodes a whole partition file, stopping at the first frame that is short, corrupt or out of sequence. */
export function decodeLog(buf: Buffer): DecodedLog {
  const records: StoredRecord[] = [];
  let pos = 0;
  const stop = (problem: string): DecodedLog => {
    const resumesAt = framesAfter(buf, pos);
    return resumesAt
      ? { records, validBytes: pos, problem, resumesAt }
      : { records, validBytes: pos, problem };
  };
  while (pos < buf.length) {
    const remaining = buf.length - pos;
    if (remaining < FRAME_HEADER_BYTES) return stop(`short frame header (${remaining} bytes)`);
    const length = buf.readUInt32BE(pos);
    if (length > MAX_PAYLOAD_BYTES) return stop(`frame length ${length} is out of range`);
    if (remaining < FRAME_HEADER_BYTES + length) {
      return stop(`short frame: ${remaining} of ${FRAME_HEADER_BYTES + length} bytes present`);
    }
    const frame = buf.subarray(pos, pos + FRAME_HEADER_BYTES + length);
    if (frame.readUInt32BE(4) !== frameChecksum(frame, length)) return stop("checksum mismatch");
    const record = decodePayload(frame.subarray(FRAME_HEADER_BYTES));
    if (!record) return stop("undecodable payload");
    if (record.offset !== records.length) {
      return stop(`record has offset ${record.offset} where ${records.length} was expected`);
    }
    records.push(record);
    pos += frame.length;
  }
  return { records, validBytes: pos };
}
