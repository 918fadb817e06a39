/** The in-process adapters keep the projection ports' contract (contract.ts), with no Redis at all. */
import { createMemoryProjection } from "../../shared/projection/memory";
import { projectionContract } from "./contract";

projectionContract("in-process adapters", () => ({ open: () => createMemoryProjection() }));
