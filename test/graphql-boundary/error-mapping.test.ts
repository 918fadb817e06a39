/**
 * The command worker's one error vocabulary: every error class names itself (a log line says which failure it was),
 * and `mapError` turns each into the coded GraphQL error clients read, with the service it concerns.
 */
import { describe, expect, it } from "vitest";
import { DomainError } from "../../shared/domain";
import {
  ConfigError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnknownOutcomeError,
} from "../../shared/errors";
import { RedpandaRefusal } from "../../shared/event-log/redpanda/http";
import { mapError } from "../../workers/command/errors";
import * as service from "../../workers/command/service-errors";

const wire = (error: unknown) => {
  const mapped = mapError(error);
  return mapped && { message: mapped.message, extensions: mapped.extensions };
};

describe("error names", () => {
  it("name: every error class names itself, upstream ones included", () => {
    const errors = [
      new UpstreamError("redis", "down", 500),
      new UpstreamUnknownOutcomeError("kafka", "connection dropped"),
      new UpstreamTimeoutError("qstash", 5000),
      new RedpandaRefusal("bad request", 400, 42207),
      new ConfigError("REDIS_URL", "is missing"),
      new DomainError("CONFLICT", "stale"),
      new service.InvalidArgumentError("bad"),
      new service.NotFoundError("gone"),
      new service.ConflictError("busy"),
      new service.StaleError("0:1", 3000),
      new service.ProjectionBehindError("behind", 3000),
      new service.AppendOutcomeUnknownError(new UpstreamTimeoutError("kafka", 5000)),
    ];

    expect(errors.map((error) => error.name)).toEqual([
      "UpstreamError",
      "UpstreamUnknownOutcomeError",
      "UpstreamTimeoutError",
      "RedpandaRefusal",
      "ConfigError",
      "DomainError",
      "InvalidArgumentError",
      "NotFoundError",
      "ConflictError",
      "StaleError",
      "ProjectionBehindError",
      "AppendOutcomeUnknownError",
    ]);
  });
});

describe("mapError", () => {
  it("mapError: the services' errors become their codes, fields kept", () => {
    expect(wire(new service.InvalidArgumentError("offset must be 0 or more"))).toEqual({
      message: "offset must be 0 or more",
      extensions: { code: "BAD_USER_INPUT" },
    });
    expect(wire(new service.NotFoundError("deleted since", "taskId"))).toEqual({
      message: "deleted since",
      extensions: { code: "NOT_FOUND", field: "taskId" },
    });
    expect(wire(new service.ConflictError("busy"))).toEqual({
      message: "busy",
      extensions: { code: "CONFLICT" },
    });
    expect(wire(new service.StaleError("0:7", 3000))).toEqual({
      message: "the projection has not reached 0:7 within 3000 ms; retry",
      extensions: { code: "STALE" },
    });
    expect(wire(new DomainError("CONFLICT", "expectedVersion is 1", "expectedVersion"))).toEqual({
      message: "expectedVersion is 1",
      extensions: { code: "CONFLICT", field: "expectedVersion" },
    });
  });

  it("mapError: unavailable says whether the write may have been recorded, and names the service", () => {
    expect(
      wire(new service.ProjectionBehindError("the projection is behind the log on partition 2", 3000)),
    ).toEqual({
      message:
        "the projection is behind the log on partition 2 after waiting 3000 ms; nothing was changed by this request, retry shortly",
      extensions: { code: "UNAVAILABLE", service: "projector" },
    });
    expect(wire(new service.AppendOutcomeUnknownError(new UpstreamTimeoutError("kafka", 5000)))).toEqual({
      message:
        "kafka did not answer within 5000 ms; the write may or may not have been recorded, so read before retrying",
      extensions: { code: "UNAVAILABLE", service: "kafka" },
    });
    expect(wire(new UpstreamTimeoutError("redis", 5000))).toEqual({
      message: "redis did not answer within 5000 ms; nothing was changed by this request, retry later",
      extensions: { code: "UNAVAILABLE", service: "redis" },
    });
    expect(wire(new UpstreamError("redis", "ECONNREFUSED 10.0.0.7:6379", 502))).toEqual({
      message: "a backing service is unavailable (redis); nothing was changed by this request, retry later",
      extensions: { code: "UNAVAILABLE", service: "redis" },
    });
  });

  it("mapError: a configuration error names the binding; anything else is left to be masked", () => {
    expect(wire(new ConfigError("REDIS_URL", "is missing"))).toEqual({
      message: "configuration: REDIS_URL is missing",
      extensions: { code: "MISCONFIGURED" },
    });
    expect(mapError(new Error("secret internals"))).toBeUndefined();
  });
});
