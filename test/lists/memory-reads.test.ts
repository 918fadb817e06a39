/** The looks composed of the in-process registry and read model keep the contract (contract.ts). */
import { createMemoryListRegistry } from "../../shared/lists/memory/registry";
import { composedListReads } from "../../shared/lists/reads";
import { createMemoryProjection } from "../support/memory-projection";
import { listReadsContract } from "./contract";

listReadsContract("in-process adapters", () => ({
  open() {
    const registry = createMemoryListRegistry();
    const { sink, readModel } = createMemoryProjection();
    return { registry, sink, readModel, reads: composedListReads(registry, readModel) };
  },
}));
