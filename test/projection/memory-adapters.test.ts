/** The in-process adapters keep the projection ports' contract (contract.ts), with no Redis at all. */
import { createMemoryProjection } from "../support/memory-projection";
import { projectionContract } from "./contract";

projectionContract("in-process adapters", () => ({ open: () => createMemoryProjection() }));
