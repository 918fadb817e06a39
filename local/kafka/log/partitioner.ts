/**
 * Partition choice for a produce that names no partition, as Kafka's Java producer does it (which is what
 * Upstash's REST server ran): with a key, `toPositive(murmur2(utf8(key))) % partitions`
 * (`org.apache.kafka.common.utils.Utils.murmur2`); without one, round-robin. The project's workers always
 * name the partition themselves, so this matters only for other callers.
 */

/** Kafka's murmur2 variant (seed 0x9747b28c), returning the same signed 32-bit value as the Java code. */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (0x9747b28c ^ length) | 0;
  const whole = length - (length % 4);
  const byte = (i: number): number => data[i] ?? 0;
  for (let i = 0; i < whole; i += 4) {
    let k = byte(i) | (byte(i + 1) << 8) | (byte(i + 2) << 16) | (byte(i + 3) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length % 4;
  if (tail === 3) h ^= byte(whole + 2) << 16;
  if (tail >= 2) h ^= byte(whole + 1) << 8;
  if (tail >= 1) {
    h ^= byte(whole);
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner picks for a non-empty key. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, "utf8")) & 0x7fffffff) % partitions;
}
