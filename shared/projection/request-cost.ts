/**
 * What a string written by a fold batch adds to its script call. A state or history entry is a script argument, a
 * JSON string in the JSON body of the REST request (`argumentCost`); anything else the batch writes is a JSON string
 * inside the JSON payload, itself a string in that body, so it is escaped twice (`requestCost`); each plus room for
 * its position, key index and separators. Counted without encoding it (the fold counts every state and history entry
 * it writes, and encoding each only to measure it was a tenth of its CPU): a string of printable ASCII, as most are,
 * by the runtime's own searches for what needs more than a byte; any other in one pass over its characters.
 */

/** Anything but printable ASCII and DEL: a character that takes more than one byte once escaped and encoded. */
const NOT_PLAIN = /[^\x20-\x7f]/;

/** The UTF-8 bytes of `JSON.stringify(JSON.stringify(s))`, plus 64. */
export function requestCost(s: string): number {
  // The quotes of the inner string, escaped by the outer one (\"), and the outer string's own.
  return 6 + 64 + escapedBytes(s, 1);
}

/** The UTF-8 bytes of `JSON.stringify(s)`, plus 8. */
export function argumentCost(s: string): number {
  return 2 + 8 + escapedBytes(s, 0);
}

/**
 * The UTF-8 bytes of `s`'s characters once JSON escapes them, quotes left out; with `again` 1, escaped a second time
 * as a string inside another JSON string, which adds one byte for each \ and " the first escape wrote.
 */
function escapedBytes(s: string, again: 0 | 1): number {
  // Most strings are printable ASCII (a state's JSON, an id, a sealed reference): one byte a character, and more
  // for each " and \ (\" and \\, then \\\" and \\\\), counted by the runtime's own search, not a loop over each.
  const quoted = 1 + 2 * again;
  if (!NOT_PLAIN.test(s)) return s.length + quoted * (occurrences(s, '"') + occurrences(s, "\\"));
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0x20 && unit < 0x80) {
      bytes += unit === 0x22 || unit === 0x5c ? 1 + quoted : 1;
    } else if (unit < 0x20) {
      // \b \t \n \f \r, else \u00XX; a second escape doubles the backslash.
      const short = unit === 0x08 || unit === 0x09 || unit === 0x0a || unit === 0x0c || unit === 0x0d;
      bytes += (short ? 2 : 6) + again;
    } else if (unit < 0x800) {
      bytes += 2;
    } else if (unit < 0xd800 || unit > 0xdfff) {
      bytes += 3;
    } else if (unit <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
      // A pair is one code point, four bytes of UTF-8.
      bytes += 4;
      i++;
    } else {
      // A lone surrogate is written \uXXXX; a second escape doubles the backslash.
      bytes += 6 + again;
    }
  }
  return bytes;
}

function occurrences(s: string, c: string): number {
  let count = 0;
  for (let i = s.indexOf(c); i !== -1; i = s.indexOf(c, i + 1)) count++;
  return count;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
