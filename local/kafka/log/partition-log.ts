/**
 * One partition: an append-only file of framed records (see record-codec.ts) plus the same frames in memory for
 * reads (frame-store.ts). Offsets start at 0 and grow by one.
 *
 * Group commit: appends queue up while a write+fsync is in flight; the next flush writes every queued record
 * with one write and one fdatasync, and only then makes the records visible to readers and acknowledges
 * them. A record is therefore never served or acknowledged before it is on disk, so an acknowledged record
 * survives `kill -9` and no reader ever sees a record that a crash could take back.
 */

import { type FileHandle, open, readFile, truncate } from "node:fs/promises";
import type { Pending } from "../../common/pending";
import { FrameStore } from "./frame-store";
import {
  decodeLog,
  encodeFrame,
  FRAME_HEADER_BYTES,
  type RecordHeader,
  type StoredRecord,
} from "./record-codec";

/** A record to append; the log assigns its offset. */
export interface NewRecord {
  timestamp: number;
  key: string;
  value: string;
  headers: RecordHeader[];
}

interface PendingAppend extends Pending<StoredRecord[]> {
  records: NewRecord[];
}

export interface PartitionLogOptions {
  path: string;
  /** Used in log lines and errors, e.g. "events/0". */
  label: string;
  log: (line: string) => void;
  /** Called after each flush, once the new records are durable and visible. */
  onAppend: () => void;
  /** Called once per fdatasync, for the storage's counters. */
  onSync: (records: number) => void;
}

export class PartitionLog {
  private readonly frames: FrameStore;
  private queue: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly opts: PartitionLogOptions,
    private readonly handle: FileHandle,
    frames: FrameStore,
  ) {
    this.frames = frames;
  }

  /**
   * Opens (creating if needed) the file at `opts.path` and loads every record. A torn or corrupt tail
   * (short frame, bad checksum, undecodable payload, with no whole frame after it) is cut off the file before
   * anything is served, and reported through `opts.log`. A damaged frame with whole frames after it is not a
   * torn tail: opening fails with an error saying where, and the file is left as it is.
   */
  static async open(opts: PartitionLogOptions): Promise<PartitionLog> {
    let content: Buffer;
    try {
      content = await readFile(opts.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      content = Buffer.alloc(0);
    }
    const decoded = decodeLog(content);
    const after = decoded.resumesAt;
    if (decoded.problem !== undefined && after !== undefined) {
      // Damage in the middle, not a torn tail: the records after it were acknowledged, so cutting the file would
      // lose them silently, and serving around the gap would renumber them. The operator decides.
      throw new Error(
        `[kafka] ${opts.label}: ${decoded.problem} at byte ${decoded.validBytes} (offset ${decoded.records.length}), ` +
          `but ${after.records} acknowledged records follow it from byte ${after.byte}; refusing to start rather ` +
          `than drop them. Restore ${opts.path} from a copy, or keep only its first ${decoded.records.length} ` +
          `records with: truncate -s ${decoded.validBytes} ${opts.path}`,
      );
    }
    if (decoded.problem !== undefined) {
      await truncate(opts.path, decoded.validBytes);
      opts.log(
        `[kafka] ${opts.label}: ${decoded.problem} at byte ${decoded.validBytes} (offset ${decoded.records.length}); ` +
          `dropped ${content.length - decoded.validBytes} bytes, keeping ${decoded.records.length} records`,
      );
    }
    const handle = await open(opts.path, "a");
    if (decoded.problem !== undefined) await handle.datasync();
    // The valid frames are kept as the file's bytes; the records decoded to check them are not.
    const lengths: number[] = [];
    for (let at = 0; at < decoded.validBytes; at += lengths[lengths.length - 1] ?? 0) {
      lengths.push(FRAME_HEADER_BYTES + content.readUInt32BE(at));
    }
    const frames = new FrameStore();
    const timestamps = decoded.records.map((r) => r.timestamp);
    frames.add(content.subarray(0, decoded.validBytes), lengths, timestamps, true);
    return new PartitionLog(opts, handle, frames);
  }

  /** The next offset to be written, i.e. the number of durable records. */
  get endOffset(): number {
    return this.frames.size;
  }

  /** Up to `max` records starting at `offset` (inclusive), in offset order. */
  read(offset: number, max: number): StoredRecord[] {
    return this.frames.read(offset, max);
  }

  /** The timestamp of the record at `offset` (read without decoding it), undefined at or beyond the end. */
  timestampAt(offset: number): number | undefined {
    return this.frames.timestampAt(offset);
  }

  /** The earliest offset whose timestamp is at or after `timestamp`, or the end offset when none is. */
  offsetForTime(timestamp: number): number {
    return this.frames.firstAtOrAfter(timestamp);
  }

  /**
   * Appends `records` at consecutive offsets and resolves with them once they are fsynced. Records of one call
   * are never interleaved with another call's.
   */
  append(records: NewRecord[]): Promise<StoredRecord[]> {
    if (this.closed) return Promise.reject(new Error(`partition ${this.opts.label} is closed`));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      // Start on the next turn of the event loop, so requests that arrive together share one fsync.
      this.flushing ??= new Promise<void>((done) => setImmediate(done)).then(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        await this.flush(batch);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async flush(batch: PendingAppend[]): Promise<void> {
    if (this.failure) {
      for (const pending of batch) pending.reject(this.failure);
      return;
    }
    let next = this.frames.size;
    const stored = batch.map((pending) => pending.records.map((r) => ({ ...r, offset: next++ })));
    const each = stored.flat().map(encodeFrame);
    const frames = Buffer.concat(each);
    try {
      let written = 0;
      while (written < frames.length) {
        const { bytesWritten } = await this.handle.write(frames, written, frames.length - written);
        written += bytesWritten;
      }
      await this.handle.datasync();
    } catch (err) {
      // The file may now hold part of this unacknowledged batch: like any failed Kafka produce, it may or may
      // not be there after a restart (recovery cuts off a torn frame). Until that restart nothing more is
      // appended, so no offset is ever handed out twice.
      this.failure = new Error(
        `partition ${this.opts.label} stopped after an I/O error (${(err as Error).message}); restart the emulator`,
      );
      this.opts.log(`[kafka] ${this.failure.message}`);
      for (const pending of batch) pending.reject(this.failure);
      return;
    }
    this.frames.add(
      frames,
      each.map((frame) => frame.length),
      stored.flat().map((r) => r.timestamp),
    );
    this.opts.onSync(each.length);
    for (const [i, pending] of batch.entries()) pending.resolve(stored[i] ?? []);
    this.opts.onAppend();
  }

  /** Waits for queued appends to become durable, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.handle.close();
  }
}
