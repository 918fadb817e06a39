/** The command worker's Hono environment: its bindings, and what its middleware leaves on the context. */
import type { RequestIdVariables } from "hono/request-id";

export type CommandEnv = {
  Bindings: Cloudflare.Env;
  Variables: RequestIdVariables;
};
