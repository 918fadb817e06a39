/**
 * The command worker's rate limits, per client address (shared/http/rate-limit.ts): every request to /graphql
 * spends one token of REQUEST_LIMITER before anything of it is read, so a flood of any kind (malformed documents
 * included) stops at the cost of one check; a mutation also spends one token of MUTATION_LIMITER per mutation
 * field, once its document is valid and before it runs. Per field, not per request: each field is an append and a
 * QStash message, and aliasing several into one request must not multiply the bucket. A refusal is a 429 with
 * `Retry-After` and a `RATE_LIMITED` GraphQL error; nothing of the request has run.
 */
import { type DocumentNode, Kind, type SelectionSetNode } from "graphql";
import type { Context } from "hono";
import { clientKey, RATE_LIMIT_PERIOD_SECONDS, rateLimiter, spend } from "../../shared/http/rate-limit";
import type { CommandEnv } from "./env";
import { type Admission, GraphQLRequestError } from "./graphql";

type C = Context<CommandEnv>;

const keyOf = (c: C): string => clientKey(c.req.header("cf-connecting-ip"));

function rateLimited(what: "requests" | "mutations"): GraphQLRequestError {
  return new GraphQLRequestError(
    429,
    "RATE_LIMITED",
    `Too many ${what} from your address: wait ${RATE_LIMIT_PERIOD_SECONDS} s and try again.`,
    { "retry-after": String(RATE_LIMIT_PERIOD_SECONDS) },
  );
}

export const rateLimits: Admission<CommandEnv> = {
  async request(c) {
    if (!(await spend(rateLimiter(c.env, "REQUEST_LIMITER"), keyOf(c), 1))) throw rateLimited("requests");
  },
  async operation(c, operation, document) {
    if (operation.operation !== "mutation") return;
    const fields = rootFields(operation.selectionSet, document);
    if (!(await spend(rateLimiter(c.env, "MUTATION_LIMITER"), keyOf(c), fields)))
      throw rateLimited("mutations");
  },
};

/**
 * The root fields an operation selects, through fragments, `__typename` left out (it runs nothing). A field under
 * `@skip` or `@include` counts as if it ran. The document is valid, so its fragments exist and do not cycle.
 */
function rootFields(selectionSet: SelectionSetNode, document: DocumentNode): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.name.value.startsWith("__")) count++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += rootFields(selection.selectionSet, document);
    } else {
      const name = selection.name.value;
      const fragment = document.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) count += rootFields(fragment.selectionSet, document);
    }
  }
  return count;
}
