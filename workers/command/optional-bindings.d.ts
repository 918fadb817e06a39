/**
 * The command worker's optional bindings, merged into the `Env` that `wrangler types` generates in
 * worker-configuration.d.ts (which can only type a binding as always set).
 */
import type { OptionalBindings } from "../../shared/config/optional-bindings";

declare global {
  namespace Cloudflare {
    interface Env extends OptionalBindings {
      /** `"false"` (or a TOML `false`) turns GraphQL introspection off; unset keeps it on. */
      GRAPHQL_INTROSPECTION?: string | boolean;
    }
  }
}
