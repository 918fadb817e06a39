/**
 * The command worker's optional bindings, merged into the `Env` that `wrangler types` generates in
 * worker-configuration.d.ts (which can only type a binding as always set).
 */
import type { OptionalBindings } from "../../shared/config/optional-bindings";

declare global {
  namespace Cloudflare {
    interface Env extends OptionalBindings {
      /** `"true"` (or a TOML `true`) turns GraphQL introspection on; unset keeps it off (`npm run dev` sets it). */
      GRAPHQL_INTROSPECTION?: string | boolean;
      /** A secret: with it bound, the default list (no listId) needs `Authorization: Bearer <API_TOKEN>`. */
      API_TOKEN?: string;
      /** `"true"` opens the default list to every caller when no API_TOKEN is bound (npm run dev sets it). */
      PUBLIC_DEFAULT_LIST?: string | boolean;
      /** How many tasks a named list may hold, 1 to 100000; unset means 5000. */
      MAX_LIST_TASKS?: string;
    }
  }
}
