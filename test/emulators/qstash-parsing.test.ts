/**
 * Unit tests of the QStash emulator's header grammar: durations, the retry-delay expression language
 * (parsed, never evaluated as code), flow-control values, wait hints and the default backoff.
 */
import { describe, expect, it } from "vitest";
import { nextRetryDelayMs } from "../../local/qstash/delivery/backoff";
import { parseDuration, parseWaitHint } from "../../local/qstash/delivery/durations";
import { compileRetryDelay } from "../../local/qstash/delivery/retry-delay";
import { parseFlowControlValue } from "../../local/qstash/publish/headers";

describe("durations", () => {
  it("parseDuration: reads s, m, h, d, ms and compound values", () => {
    expect(["10s", "5m", "1h", "1d10h30m", "1.5s", "300ms"].map(parseDuration)).toEqual([
      10_000, 300_000, 3_600_000, 124_200_000, 1500, 300,
    ]);
  });

  it("parseDuration: refuses bare numbers, unknown units and words", () => {
    for (const bad of ["10", "10x", "soon", "", "s", "-5s"]) {
      expect(() => parseDuration(bad)).toThrow(/is not a duration/);
    }
  });

  it("parseWaitHint: reads seconds, epoch seconds, HTTP dates and Go durations", () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);

    expect(parseWaitHint("120", now)).toBe(120_000);
    expect(parseWaitHint(String(now / 1000 + 30), now)).toBe(30_000);
    expect(parseWaitHint("Thu, 01 Jan 2026 00:01:00 GMT", now)).toBe(60_000);
    expect(parseWaitHint("6m5s", now)).toBe(365_000);
    expect(parseWaitHint("whenever", now)).toBeUndefined();
  });
});

describe("retry delay expressions", () => {
  it("compileRetryDelay: evaluates arithmetic and the allowed functions over retried", () => {
    const cases: Array<[string, number, number]> = [
      ["pow(2, retried) * 1000", 3, 8000],
      ["1000 * (1 + retried)", 2, 3000],
      ["min(max(retried * 100, 150), 250)", 1, 150],
      ["sqrt(16) + abs(-1) + floor(1.7) + ceil(1.2) + round(2.5)", 0, 11],
      ["exp(0) * 10 - -5 % 3", 0, 12],
      ["  retried  ", 7, 7],
    ];
    for (const [expression, retried, expected] of cases) {
      expect(compileRetryDelay(expression)(retried)).toBe(expected);
    }
  });

  it("compileRetryDelay: refuses anything outside the grammar", () => {
    const cases: Array<[string, RegExp]> = [
      ["constructor", /unknown name "constructor"/],
      ["retried; 1", /unexpected character/],
      ["pow(2)", /pow takes 2 argument/],
      ["(1 + 2", /expected "\)"/],
      ["1 2", /unexpected "2"/],
      ["", /empty expression/],
      ["this.x", /unexpected character at 4/],
      ["__proto__", /unknown name "__proto__"/],
      ["toString(1)", /unknown name "toString"/],
    ];
    for (const [expression, reason] of cases) {
      expect(() => compileRetryDelay(expression)).toThrow(reason);
    }
  });
});

describe("flow control values", () => {
  it("parseFlowControlValue: reads the client's format, parts in any order, numeric period in seconds", () => {
    expect(parseFlowControlValue("k", "parallelism=2, rate=10, period=1m")).toEqual({
      key: "k",
      parallelism: 2,
      rate: 10,
      periodMs: 60_000,
    });
    expect(parseFlowControlValue("k", "rate=5,period=30")).toEqual({ key: "k", rate: 5, periodMs: 30_000 });
    expect(parseFlowControlValue("k", "parallelism=1")).toEqual({ key: "k", parallelism: 1, periodMs: 1000 });
  });

  it("parseFlowControlValue: needs parallelism or rate and well-formed parts", () => {
    expect(() => parseFlowControlValue("k", "period=1s")).toThrow(/set parallelism, rate or both/);
    expect(() => parseFlowControlValue("k", "speed=3")).toThrow(/expected parallelism=P, rate=R, period=X/);
  });
});

describe("backoff", () => {
  it("nextRetryDelayMs: follows min(86400, e^(2.5 n)) seconds, scaled", () => {
    const base = { timeScale: 1, nowMs: 0 };

    expect(nextRetryDelayMs({ ...base, attemptsMade: 1 })).toBeCloseTo(Math.exp(2.5) * 1000);
    expect(nextRetryDelayMs({ ...base, attemptsMade: 10 })).toBe(86_400_000);
    expect(nextRetryDelayMs({ ...base, attemptsMade: 2, timeScale: 0.001 })).toBeCloseTo(Math.exp(5));
  });

  it("nextRetryDelayMs: the retry-delay expression sees retried = attempts made - 1; a wait hint wins", () => {
    const retryDelay = compileRetryDelay("pow(2, retried) * 1000");

    expect(nextRetryDelayMs({ attemptsMade: 1, retryDelay, timeScale: 1, nowMs: 0 })).toBe(1000);
    expect(nextRetryDelayMs({ attemptsMade: 3, retryDelay, timeScale: 1, nowMs: 0 })).toBe(4000);
    expect(
      nextRetryDelayMs({
        attemptsMade: 1,
        retryDelay,
        timeScale: 1,
        nowMs: 0,
        responseHeaders: { "retry-after": "7" },
      }),
    ).toBe(7000);
  });
});
