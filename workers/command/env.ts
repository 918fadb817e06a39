/**
 * The command worker's Hono environment: its bindings, read by name through shared/config's readers (which check
 * every value they read), and what its middleware leaves on the context.
 */
import type { Bindings } from "../../shared/config";

export type CommandEnv = {
  Bindings: Bindings;
  Variables: { requestId: string };
};
