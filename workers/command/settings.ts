/** The command worker's own optional bindings, validated at first use like the shared ones. */
import { type Bindings, binding } from "../../shared/config";
import { ConfigError } from "../../shared/errors";

/**
 * `GRAPHQL_INTROSPECTION`: `"false"` turns introspection off (GraphiQL then has no schema to show); unset,
 * empty or `"true"` keeps it on. A TOML boolean in `[vars]` works too. Anything else fails naming the binding.
 */
export function introspectionEnabled(env: Bindings): boolean {
  const raw = binding(env, "GRAPHQL_INTROSPECTION");
  if (raw === undefined || raw === null || raw === "" || raw === true || raw === "true") return true;
  if (raw === false || raw === "false") return false;
  throw new ConfigError("GRAPHQL_INTROSPECTION", 'must be "true" or "false"');
}
