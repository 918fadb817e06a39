/**
 * The one rule every log adapter applies to an append's answer: only a 4xx the log answers before writing proves
 * nothing was written; a 5xx, a 408 and anything else leave the outcome unknown.
 */
import { describe, expect, it } from "vitest";
import { UpstreamUnknownOutcomeError } from "../../shared/errors";
import { appendFailure, appendOutcomeOf, unusableAppendAnswer } from "../../shared/event-log/append-outcome";

describe("appendOutcomeOf", () => {
  it.each([200, 201, 204])(
    "appendOutcomeOf: %i is committed (its body still has to be checked)",
    (status) => {
      expect(appendOutcomeOf(status)).toBe("committed");
    },
  );

  it.each([400, 401, 403, 404, 405, 409, 413, 415, 422, 429])(
    "appendOutcomeOf: %i is a refusal",
    (status) => {
      expect(appendOutcomeOf(status)).toBe("refused");
    },
  );

  it.each([408, 499, 500, 502, 503, 504, 520, 522, 524, 301, 307, 100])(
    "appendOutcomeOf: %i leaves the outcome unknown",
    (status) => {
      expect(appendOutcomeOf(status)).toBe("unknown");
    },
  );
});

describe("appendFailure", () => {
  it("appendFailure: a refusal is a plain upstream error carrying its status", () => {
    const err = appendFailure("kafka", 429, "/produce answered 429: slow down");
    expect(err).not.toBeInstanceOf(UpstreamUnknownOutcomeError);
    expect({ service: err.service, status: err.status, message: err.message }).toEqual({
      service: "kafka",
      status: 429,
      message: "kafka: /produce answered 429: slow down",
    });
  });

  it("appendFailure: a 502 is an unknown outcome carrying its status", () => {
    const err = appendFailure("redis", 502, "bad gateway");
    expect(err).toBeInstanceOf(UpstreamUnknownOutcomeError);
    expect({ service: err.service, status: err.status }).toEqual({ service: "redis", status: 502 });
  });

  it("unusableAppendAnswer: a 2xx without a usable acknowledgement is an unknown outcome", () => {
    const err = unusableAppendAnswer("kafka", 200, "its body is not JSON");
    expect(err).toBeInstanceOf(UpstreamUnknownOutcomeError);
    expect(err.message).toBe("kafka: the append was answered 200 but its body is not JSON");
  });
});
