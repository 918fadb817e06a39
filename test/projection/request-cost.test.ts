/**
 * The fold bounds each batch by the bytes its script call will take: a state or history entry is a script argument,
 * a JSON string in the JSON body of the REST request (`argumentCost`); anything else it writes is a JSON string inside
 * the JSON payload, itself a string in that body (`requestCost`). Each counts that in one pass; these specs hold them
 * to the encodings they stand for, on every kind of character JSON treats apart.
 */
import { describe, expect, test } from "vitest";
import { argumentCost, requestCost } from "../../shared/projection/request-cost";

/** UTF-8 bytes of a string as the Upstash client sends it (a lone surrogate is already escaped by then). */
const utf8 = (s: string) => new TextEncoder().encode(s).length;
/** What the fold has always counted: the string encoded twice, in UTF-8, plus room for its place in the payload. */
const twice = (s: string) => utf8(JSON.stringify(JSON.stringify(s))) + 64;
/** A script argument: the string encoded once, in UTF-8, plus room for its separator. */
const once = (s: string) => utf8(JSON.stringify(s)) + 8;

const samples = [
  "",
  "Buy milk",
  '{"status":"active","task":{"id":"x","text":"say \\"hi\\"","done":false}}',
  'quotes " and backslashes \\ and both \\"',
  "controls \n \t \r \b \f \u0000 \u0001 \u001f \u007f \u0091",
  "é ü ß ∑ 中文 𝄞 😀",
  "lone high \ud800 end",
  "lone low \udc00 end",
  "high at the end \ud83d",
  "low then high \udc00\ud800 then a pair \ud83d\ude00",
  "\u2028\u2029 line separators",
  `\u00913f2c9a0e-1b7d-4c55-9a53-0c1f5e7d2b11${"A".repeat(200)}`,
  `\u007fC28_TjxVT0OaUowKDx8uPQ${"A".repeat(200)}`,
];

/** A range of UTF-16 code units, its end excluded. */
type Pool = [number, number];

/** 2,000 strings of fewer than `longest` code units, each drawn from a pool picked at random, from `seed`. */
function randomStrings(seed: number, pools: Pool[], longest: number): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  return Array.from({ length: 2000 }, () => {
    let s = "";
    const length = next() % longest;
    for (let i = 0; i < length; i++) {
      const [from, to] = pools[next() % pools.length] ?? [0x20, 0x80];
      s += String.fromCharCode(from + (next() % (to - from)));
    }
    return s;
  });
}

/** Code units from the places JSON treats apart: ASCII, controls, quotes, 2- and 3-byte UTF-8, surrogates. */
const ANY_UNIT: Pool[] = [
  [0, 0x80],
  [0, 0x20],
  [0x22, 0x23],
  [0x5c, 0x5d],
  [0x80, 0x800],
  [0x800, 0xd800],
  [0xd800, 0xe000],
  [0xe000, 0x10000],
];

/** Printable ASCII, with quotes, backslashes and DEL drawn more often. */
const PRINTABLE: Pool[] = [
  [0x20, 0x80],
  [0x22, 0x23],
  [0x5c, 0x5d],
  [0x7f, 0x80],
];

/** Each count, what it stands for, and the seeds of its random strings. */
const COUNTS = [
  { name: "requestCost", count: requestCost, encoded: twice, how: "twice", seeds: [7, 11] },
  { name: "argumentCost", count: argumentCost, encoded: once, how: "once", seeds: [13, 17] },
] as const;

for (const { name, count, encoded, how, seeds } of COUNTS) {
  describe(name, () => {
    test(`${name}: counts a string as encoded ${how} in UTF-8, for every kind of character JSON escapes or not`, () => {
      for (const s of samples) expect([s, count(s)]).toEqual([s, encoded(s)]);
    });

    test(`${name}: agrees with encoding ${how} on random strings of any UTF-16 code unit`, () => {
      for (const s of randomStrings(seeds[0], ANY_UNIT, 24)) expect([s, count(s)]).toEqual([s, encoded(s)]);
    });

    test(`${name}: agrees with encoding ${how} on random printable ASCII, quotes, backslashes and DEL`, () => {
      for (const s of randomStrings(seeds[1], PRINTABLE, 40)) expect([s, count(s)]).toEqual([s, encoded(s)]);
    });
  });
}
