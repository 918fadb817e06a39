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
  let bytes = 6 + 64;
  // Most strings are printable ASCII (a state's JSON, an id, a sealed reference): one byte a character, and three
  // more for each " and \, counted by the runtime's own search rather than a loop over every character.
  if (!NOT_PLAIN.test(s)) return bytes + s.length + 3 * (occurrences(s, '"') + occurrences(s, "\\"));
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0x20 && unit < 0x80) {
      // " and \ are escaped by the inner encoding (\" \\), and both characters of that by the outer one.
      bytes += unit === 0x22 || unit === 0x5c ? 4 : 1;
    } else if (unit < 0x20) {
      // \b \t \n \f \r, else \u00XX; the outer encoding escapes the backslash.
      bytes += unit === 0x08 || unit === 0x09 || unit === 0x0a || unit === 0x0c || unit === 0x0d ? 3 : 7;
    } else if (unit < 0x800) {
      bytes += 2;
    } else if (unit < 0xd800 || unit > 0xdfff) {
      bytes += 3;
    } else if (unit <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
      // A pair is one code point, four bytes of UTF-8.
      bytes += 4;
      i++;
    } else {
      // A lone surrogate is written \uXXXX by the inner encoding, its backslash escaped by the outer one.
      bytes += 7;
    }
  }
  return bytes;
}

/** The UTF-8 bytes of `JSON.stringify(s)`, plus 8. */
export function argumentCost(s: string): number {
  let bytes = 2 + 8;
  if (!NOT_PLAIN.test(s)) return bytes + s.length + occurrences(s, '"') + occurrences(s, "\\");
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0x20 && unit < 0x80) bytes += unit === 0x22 || unit === 0x5c ? 2 : 1;
    else if (unit < 0x20) {
      // \b \t \n \f \r, else \u00XX.
      bytes += unit === 0x08 || unit === 0x09 || unit === 0x0a || unit === 0x0c || unit === 0x0d ? 2 : 6;
    } else if (unit < 0x800) {
      bytes += 2;
    } else if (unit < 0xd800 || unit > 0xdfff) {
      bytes += 3;
    } else if (unit <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else {
      // A lone surrogate is written \uXXXX.
      bytes += 6;
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
