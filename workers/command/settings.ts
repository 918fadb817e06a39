/** The command worker's own optional bindings, validated at first use like the shared ones. */
import { type Bindings, binding } from "../../shared/config";
import { ConfigError } from "../../shared/errors";

/**
 * `GRAPHQL_INTROSPECTION`: `"true"` turns introspection on (`npm run dev` sets it, for GraphiQL); unset, empty or
 * `"false"` keeps it off, so a deployed API does not spell its schema out to strangers (and error messages then drop
 * graphql-js's "Did you mean" suggestions, which would name fields too). A TOML boolean in `[vars]` works too.
 * Anything else fails naming the binding.
 */
export function introspectionEnabled(env: Bindings): boolean {
  const raw = binding(env, "GRAPHQL_INTROSPECTION");
  if (raw === true || raw === "true") return true;
  if (raw === undefined || raw === null || raw === "" || raw === false || raw === "false") return false;
  throw new ConfigError("GRAPHQL_INTROSPECTION", 'must be "true" or "false"');
}
