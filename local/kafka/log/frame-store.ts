/**
 * A partition's records in memory as the bytes of their frames (see record-codec.ts), as the file holds them: in
 * chunks (Buffers, whose bytes the JS heap does not hold and no collection scans) and, per offset, where its frame
 * starts and its timestamp, in arrays of plain numbers. A read decodes the frames it answers, so nothing outlives it
 * but the bytes. Held as a record object and strings each, a log of a few hundred thousand records made every major
 * collection of the emulators' process mark all of them, at whatever moment it came (a benchmark's timed fold, say),
 * and bounded a log by the heap's limit.
 */
import { type StoredRecord, storedFrameAt } from "./record-codec";

/** A new chunk doubles the last one's size from 64 KiB up to 1 MiB (a partition that holds little takes little). */
const FIRST_CHUNK_BYTES = 64 * 1024;
const LARGEST_CHUNK_BYTES = 1024 * 1024;

export class FrameStore {
  private readonly chunks: Buffer[] = [];
  /** Per offset: the chunk holding its frame, where the frame starts in it, and the record's timestamp. */
  private readonly chunkOf: number[] = [];
  private readonly startOf: number[] = [];
  private readonly timestamps: number[] = [];
  /** Bytes written of the last chunk. */
  private used = 0;

  /** The number of records held: the next offset. */
  get size(): number {
    return this.startOf.length;
  }

  /**
   * Adds whole frames written back to back in `frames`, of the lengths `lengths`, holding records with the timestamps
   * `timestamps`, at the next offsets. A file's content read at start is kept as it is, not copied (`whole`).
   */
  add(frames: Buffer, lengths: readonly number[], timestamps: readonly number[], whole = false): void {
    let chunk = this.chunks[this.chunks.length - 1];
    if (whole || !chunk || chunk.length - this.used < frames.length) {
      const next = Math.min(LARGEST_CHUNK_BYTES, Math.max(FIRST_CHUNK_BYTES, (chunk?.length ?? 0) * 2));
      chunk = whole ? frames : Buffer.allocUnsafe(Math.max(next, frames.length));
      this.chunks.push(chunk);
      this.used = 0;
    }
    if (chunk !== frames) frames.copy(chunk, this.used);
    const index = this.chunks.length - 1;
    let at = this.used;
    for (const [i, length] of lengths.entries()) {
      this.chunkOf.push(index);
      this.startOf.push(at);
      this.timestamps.push(timestamps[i] ?? 0);
      at += length;
    }
    this.used = at;
  }

  /** Up to `max` records from `offset` (inclusive), in offset order. */
  read(offset: number, max: number): StoredRecord[] {
    const out: StoredRecord[] = [];
    const end = Math.min(this.size, offset + Math.max(0, max));
    for (let i = Math.max(0, offset); i < end; i++) {
      const chunk = this.chunks[this.chunkOf[i] ?? -1];
      if (!chunk) throw new Error(`no chunk holds offset ${i}`);
      out.push(storedFrameAt(chunk, this.startOf[i] ?? 0));
    }
    return out;
  }

  /** The timestamp of the record at `offset`, undefined beyond the records held. */
  timestampAt(offset: number): number | undefined {
    return this.timestamps[offset];
  }

  /** The first offset whose timestamp is at or after `timestamp`, or the size when none is. */
  firstAtOrAfter(timestamp: number): number {
    const index = this.timestamps.findIndex((t) => t >= timestamp);
    return index === -1 ? this.size : index;
  }
}
