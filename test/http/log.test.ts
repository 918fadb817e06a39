import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, logLine, MAX_LOGGED_CHARS } from "../../shared/http/log";

afterEach(() => {
  vi.restoreAllMocks();
});

const captured = () => ({
  out: vi.spyOn(console, "log").mockImplementation(() => {}),
  err: vi.spyOn(console, "error").mockImplementation(() => {}),
});

describe("logLine", () => {
  it("log line: one JSON object led by level, worker and msg, which fields cannot override", () => {
    const { out } = captured();
    logLine("projector", "info", "checkpoint advanced", { partition: 0, msg: "forged", level: "error" });
    const [line] = out.mock.calls.map(([text]) => String(text));
    expect(line).toBe('{"level":"info","worker":"projector","msg":"checkpoint advanced","partition":0}');
  });

  it("log line: errors go to console.error, the rest to console.log", () => {
    const { out, err } = captured();
    const log = createLogger("command", { requestId: "r-1" });
    log.info("event saved");
    log.error("poke failed", { partition: 2 });
    expect(out.mock.calls.map(([text]) => JSON.parse(String(text)))).toEqual([
      { level: "info", worker: "command", msg: "event saved", requestId: "r-1" },
    ]);
    expect(err.mock.calls.map(([text]) => JSON.parse(String(text)))).toEqual([
      { level: "error", worker: "command", msg: "poke failed", requestId: "r-1", partition: 2 },
    ]);
  });

  it("log line: every string, nested ones included, is bounded", () => {
    const { out } = captured();
    logLine("projector", "info", "fold failed", { cause: { message: "x".repeat(5000) } });
    const [line] = out.mock.calls.map(([text]) => JSON.parse(String(text)));
    expect(line.cause.message).toBe(`${"x".repeat(MAX_LOGGED_CHARS)}… (5000 characters)`);
  });
});
