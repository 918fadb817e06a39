import { describe, expect, test } from "vitest";
import { isIsoTimestamp, isTaskId, MAX_TEXT_CODE_POINTS, validateText } from "../../shared/domain";

/** The whole of validateText's answer, as plain data. */
function textCheck(text: unknown): { code: string; field: string | undefined; message: string } | "valid" {
  const error = validateText(text);
  return error === undefined ? "valid" : { code: error.code, field: error.field, message: error.message };
}

const GRINNING = "\u{1F600}"; // two UTF-16 code units, one code point

describe("validateText", () => {
  test("validateText: the limit is 1000 code points", () => {
    expect(MAX_TEXT_CODE_POINTS).toBe(1000);
  });

  test.each([
    ["empty", ""],
    ["spaces", "   "],
    ["newlines and tabs", "\n\t\n"],
    ["no-break space and ideographic space", "\u00a0\u3000"],
  ])("validateText: %s only is refused", (_, text) => {
    expect(textCheck(text)).toEqual({
      code: "BAD_USER_INPUT",
      field: "text",
      message: "text must not be empty or whitespace only",
    });
  });

  test.each([
    ["1000 ASCII characters", "a".repeat(1000)],
    ["1000 emoji (2000 UTF-16 units)", GRINNING.repeat(1000)],
    ["999 ASCII characters and an emoji", `${"a".repeat(999)}${GRINNING}`],
    ["surrounding whitespace", "  Do the dishes!  "],
    ["newlines and tabs inside", "Shopping:\n\t- milk\n\t- eggs"],
    ["combining marks and CJK", "cafe\u0301 \u5bff\u53f8"],
  ])("validateText: %s is accepted", (_, text) => {
    expect(textCheck(text)).toBe("valid");
  });

  test.each([
    ["1001 ASCII characters", "a".repeat(1001)],
    ["1001 emoji", GRINNING.repeat(1001)],
    ["1000 ASCII characters and an emoji", `${"a".repeat(1000)}${GRINNING}`],
  ])("validateText: %s is too long", (_, text) => {
    expect(textCheck(text)).toEqual({
      code: "BAD_USER_INPUT",
      field: "text",
      message: "text must be at most 1000 characters (Unicode code points), got 1001",
    });
  });

  test.each([
    ["NUL", "a\u0000b", "U+0000"],
    ["carriage return", "line\r\nline", "U+000D"],
    ["escape", "\u001b[31mred", "U+001B"],
    ["DEL", "a\u007f", "U+007F"],
    ["C1 next line", "a\u0085b", "U+0085"],
  ])("validateText: a %s control character is refused", (_, text, found) => {
    expect(textCheck(text)).toEqual({
      code: "BAD_USER_INPUT",
      field: "text",
      message: `text must not contain control characters other than newline and tab: found ${found}`,
    });
  });

  test.each([
    ["a lone high surrogate", "a\ud800b", "U+D800"],
    ["a lone low surrogate", "a\udc00", "U+DC00"],
    ["a reversed pair", "\ude00\ud83d", "U+DE00"],
  ])("validateText: %s is refused", (_, text, found) => {
    expect(textCheck(text)).toEqual({
      code: "BAD_USER_INPUT",
      field: "text",
      message: `text must be valid Unicode: found a lone surrogate ${found}`,
    });
  });

  test("validateText: a non-string is refused", () => {
    expect(textCheck(42)).toEqual({
      code: "BAD_USER_INPUT",
      field: "text",
      message: "text must be a string",
    });
  });
});

describe("isTaskId", () => {
  test("isTaskId: a lowercase canonical UUID is a task id", () => {
    expect(isTaskId("0b6f1c1e-6a52-4c1e-9d59-3f1e0d8b2a01")).toBe(true);
  });

  test.each([
    ["upper case", "0B6F1C1E-6A52-4C1E-9D59-3F1E0D8B2A01"],
    ["no hyphens", "0b6f1c1e6a524c1e9d593f1e0d8b2a01"],
    ["braces", "{0b6f1c1e-6a52-4c1e-9d59-3f1e0d8b2a01}"],
    ["a trailing newline", "0b6f1c1e-6a52-4c1e-9d59-3f1e0d8b2a01\n"],
    ["a non-hex digit", "0b6f1c1e-6a52-4c1e-9d59-3f1e0d8b2a0g"],
    ["empty", ""],
    ["not a string", 7],
  ])("isTaskId: %s is refused", (_, value) => {
    expect(isTaskId(value)).toBe(false);
  });
});

describe("isIsoTimestamp", () => {
  test("isIsoTimestamp: the toISOString form is accepted", () => {
    expect(isIsoTimestamp("2024-02-29T23:59:59.999Z")).toBe(true);
  });

  test.each([
    ["no milliseconds", "2025-03-01T10:00:00Z"],
    ["an offset", "2025-03-01T10:00:00.000+00:00"],
    ["a date only", "2025-03-01"],
    ["an impossible day", "2025-02-30T10:00:00.000Z"],
    ["an impossible hour", "2025-03-01T24:00:00.000Z"],
    ["not a string", 1_740_823_200_000],
  ])("isIsoTimestamp: %s is refused", (_, value) => {
    expect(isIsoTimestamp(value)).toBe(false);
  });

  test("isIsoTimestamp: accepts exactly what toISOString writes back the same, at every edge of a date and a time", () => {
    const roundTrips = (value: string) => {
      const ms = Date.parse(value);
      return !Number.isNaN(ms) && new Date(ms).toISOString() === value;
    };
    const two = (n: number) => String(n).padStart(2, "0");
    const disagree: string[] = [];
    for (const year of ["0000", "0001", "1900", "1970", "2000", "2023", "2024", "2100", "2400", "9999"])
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++)
          for (const time of [
            "00:00:00.000",
            "23:59:59.999",
            "24:00:00.000",
            "12:60:00.000",
            "12:00:60.000",
          ]) {
            const value = `${year}-${two(month)}-${two(day)}T${time}Z`;
            if (isIsoTimestamp(value) !== roundTrips(value)) disagree.push(value);
          }
    expect(disagree).toEqual([]);
  });
});
