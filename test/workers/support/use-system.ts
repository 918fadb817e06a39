/**
 * The fixture every worker test file starts from: one whole system (see ../support/system) for the file,
 * started before its first test and closed after its last.
 */
import { afterAll, beforeAll } from "vitest";
import { type SystemOptions, startSystem, type TestSystem } from "../../support/system";

/**
 * Registers the file's `beforeAll` (start a system with `options`) and `afterAll` (close it); answers an
 * accessor for the running system. Call it at the top level of a test file, before any other hook, so the
 * system is up before the file's other `beforeAll` hooks run and closed after their `afterAll` hooks.
 */
export function useSystem(options: SystemOptions = {}): () => TestSystem {
  let sys: TestSystem | undefined;
  beforeAll(async () => {
    sys = await startSystem(options);
  });
  afterAll(async () => {
    await sys?.close();
  });
  return () => {
    if (sys === undefined) throw new Error("the test system is not running (used outside a test or hook?)");
    return sys;
  };
}
