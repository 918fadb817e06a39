/**
 * The budget's numbers against the published Workers limits (bench/prices.ts, with their sources): every preset
 * fits its plan with room for the calls the projector does not count, and the sweep's windows cover every
 * partition.
 */
import { describe, expect, it } from "vitest";
import { PRICES } from "../../bench/prices";
import { ConfigError } from "../../shared/errors";
import {
  catchUpBudget,
  DEFAULT_BUDGET,
  FREE_BUDGET,
  MIN_SUBREQUESTS,
  PAID_BUDGET,
  sweepWindow,
  UNCOUNTED,
  WORKERS_SUBREQUESTS,
} from "../../workers/projector/fold/budget";
import { sweepWindowAt } from "../../workers/projector/fold/sweep-cursor";

const uncounted = UNCOUNTED.identity + UNCOUNTED.scriptLoads + UNCOUNTED.retries;

describe("budget", () => {
  it("limits: the plans' subrequest limits are the ones bench/prices.ts cites", () => {
    expect(WORKERS_SUBREQUESTS.free).toBe(PRICES.workers.free.subrequestsPerInvocation.value);
    expect(WORKERS_SUBREQUESTS.paid).toBe(PRICES.workers.paid.subrequestsPerInvocation.value);
  });

  it("limits: the default and the Free preset fit the Free plan, the Paid preset the older Paid figure", () => {
    expect(DEFAULT_BUDGET.maxSubrequests + uncounted).toBeLessThanOrEqual(WORKERS_SUBREQUESTS.free);
    expect(FREE_BUDGET.maxSubrequests + uncounted).toBeLessThanOrEqual(WORKERS_SUBREQUESTS.free);
    expect(PAID_BUDGET.maxSubrequests + uncounted).toBeLessThanOrEqual(WORKERS_SUBREQUESTS.paidOlderPages);
  });

  it("sweep: reads 30 heads on the default budget and 890 on the Paid preset", () => {
    expect([sweepWindow(DEFAULT_BUDGET.maxSubrequests), sweepWindow(PAID_BUDGET.maxSubrequests)]).toEqual([
      30, 890,
    ]);
    expect(sweepWindow(MIN_SUBREQUESTS)).toBe(1);
  });

  it("sweep: consecutive windows cover every partition in ceil(partitions / window) sweeps", () => {
    for (const [partitions, size] of [
      [5, 2],
      [7, 3],
      [64, 30],
      [1000, 890],
    ] as const) {
      for (const from of [0, 3, 11]) {
        const seen = new Set<number>();
        for (let i = 0; i < Math.ceil(partitions / size); i++) {
          for (const p of sweepWindowAt(from + i, size, partitions)) seen.add(p);
        }
        expect(seen.size).toBe(partitions);
      }
    }
  });

  it("catchUpBudget: reads PROJECTOR_MAX_SUBREQUESTS and refuses one below what a sweep needs", () => {
    expect(catchUpBudget({ PROJECTOR_MAX_SUBREQUESTS: "900" }).maxSubrequests).toBe(900);
    expect(catchUpBudget({}).maxSubrequests).toBe(DEFAULT_BUDGET.maxSubrequests);
    expect(() => catchUpBudget({ PROJECTOR_MAX_SUBREQUESTS: String(MIN_SUBREQUESTS - 1) })).toThrow(
      ConfigError,
    );
    expect(() => catchUpBudget({ PROJECTOR_MAX_SUBREQUESTS: "10001" })).toThrow(/PROJECTOR_MAX_SUBREQUESTS/);
  });
});
