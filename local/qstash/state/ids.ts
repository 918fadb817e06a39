/** Random identifiers in the shapes QStash uses (`msg_...`, `sig_...`, `jwt_...`). */
import { randomBytes } from "node:crypto";

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** `prefix` followed by `length` random base58 characters. */
export function randomId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = prefix;
  // 256 is not a multiple of 58, so the spread is a little uneven; these ids need uniqueness, not uniformity.
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}
