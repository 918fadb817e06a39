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
    }
  }
}
