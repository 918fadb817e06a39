/**
 * REBUILD_GRACE_SECONDS (workers/projector/rebuild/settings.ts): how long a namespace a rebuild replaced is kept. A
 * command worker isolate may answer a request from its copy of the live pointer up to POINTER_STALE_MS old, and the
 * old namespace is folded until 30 s before its clean-up, so a grace shorter than MIN_REBUILD_GRACE_SECONDS (but 0,
 * for tests) could let a request read a namespace no longer folded, or gone.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../shared/errors";
import { POINTER_STALE_MS } from "../../shared/rebuild/namespace";
import { FOLD_MARGIN_MS } from "../../shared/rebuild/port";
import { MIN_REBUILD_GRACE_SECONDS, rebuildGraceMs } from "../../workers/projector/rebuild/settings";

describe("REBUILD_GRACE_SECONDS", () => {
  it("unset is 600 s; 0 (tests only), the minimum and 86400 are taken as given", () => {
    expect(rebuildGraceMs({})).toBe(600_000);
    expect(rebuildGraceMs({ REBUILD_GRACE_SECONDS: "0" })).toBe(0);
    expect(rebuildGraceMs({ REBUILD_GRACE_SECONDS: String(MIN_REBUILD_GRACE_SECONDS) })).toBe(
      MIN_REBUILD_GRACE_SECONDS * 1000,
    );
    expect(rebuildGraceMs({ REBUILD_GRACE_SECONDS: "86400" })).toBe(86_400_000);
  });

  it("the minimum outlasts the pointer's stale limit and the fold's last 30 s, with room for a request", () => {
    expect(MIN_REBUILD_GRACE_SECONDS * 1000).toBeGreaterThanOrEqual(
      POINTER_STALE_MS + FOLD_MARGIN_MS + 15_000,
    );
  });

  it("a grace between 0 and the minimum, or past a day, or not a whole number, is refused naming the setting", () => {
    for (const value of ["1", "30", String(MIN_REBUILD_GRACE_SECONDS - 1), "86401", "-5", "2.5", "ten"]) {
      expect(() => rebuildGraceMs({ REBUILD_GRACE_SECONDS: value }), value).toThrow(ConfigError);
      expect(() => rebuildGraceMs({ REBUILD_GRACE_SECONDS: value }), value).toThrow(/REBUILD_GRACE_SECONDS/);
    }
  });
});
