/**
 * What one request may cost, counted on the parsed document before anything runs (see {@link requestCost}): a
 * request over a bound is refused whole with QUERY_TOO_COSTLY, its message naming the bound. The bounds, with the
 * document limits (20 aliases), make a request's worst case small and known: {@link REQUEST_BOUND}, derived in
 * docs/security.md, and counted by test/workers/request-cost.test.ts.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  GraphQLIncludeDirective,
  type GraphQLObjectType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getOperationAST,
  getVariableValues,
  Kind,
  type SelectionSetNode,
} from "graphql";
import { MAX_ATTEMPTS } from "./commands";
import { pollsWithin, WAIT_LIMIT_MS } from "./consistency/wait";
import { DEFAULT_LIMITS } from "./graphql";
import { cursorWaits, DEFAULT_HISTORY_PAGE, DEFAULT_PAGE, MAX_HISTORY_PAGE, MAX_PAGE } from "./pages";

export interface CostLimits {
  /** Fields given a consistency token (`after:`): each may wait up to WAIT_LIMIT_MS, polling the projection. */
  maxTokenWaits: number;
  /** Mutation fields: each appends to the log and publishes a QStash message. */
  maxMutations: number;
  /** Tasks and history entries the request may read: the page size of each `list`, `tasks` and `history`, 1 per `task`. */
  maxItems: number;
}

export const COST_LIMITS: CostLimits = { maxTokenWaits: 1, maxMutations: 5, maxItems: 1000 };

/** What one root field may cost, from its arguments. */
interface FieldCost {
  waits: boolean;
  items: number;
  mutations: number;
}

type Args = Record<string, unknown>;
const waits = (args: Args) => args.after !== undefined && args.after !== null;
/** A page size as the read will take it; one the read refuses costs nothing, but counts at most the maximum. */
const page = (value: unknown, fallback: number, max: number) =>
  typeof value === "number" ? Math.min(Math.max(value, 0), max) : fallback;

const FIELD_COSTS: Record<string, (args: Args) => FieldCost> = {
  "Query.list": (a) => ({ waits: waits(a), items: page(a.limit, DEFAULT_PAGE, MAX_PAGE), mutations: 0 }),
  "Query.tasks": (a) => ({
    waits: waits(a) || cursorWaits(a.cursor),
    items: page(a.first, DEFAULT_PAGE, MAX_PAGE),
    mutations: 0,
  }),
  "Query.task": (a) => ({ waits: waits(a), items: 1, mutations: 0 }),
  "Query.history": (a) => ({
    waits: waits(a),
    items: page(a.limit, DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE),
    mutations: 0,
  }),
};
const MUTATION: FieldCost = { waits: false, items: 0, mutations: 1 };
const FREE: FieldCost = { waits: false, items: 0, mutations: 0 };

/** What a GraphQL request is, once its document parsed and validated. */
export interface CostedRequest {
  document: DocumentNode;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

/**
 * The bounds `request` exceeds, one error per bound. Only the operation that will run is counted, its root fields
 * as graphql-js executes them: through fragments, one per response key, none that `@skip`/`@include` leave out,
 * with variables resolved. A request whose variables do not coerce is left to execution, which refuses it whole.
 */
export function requestCost(
  schema: GraphQLSchema,
  request: CostedRequest,
  limits: CostLimits = COST_LIMITS,
): GraphQLError[] {
  const operation = getOperationAST(request.document, request.operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return [];
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
  if (coerced.errors) return [];
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of request.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  let tokenWaits = 0;
  let items = 0;
  let mutations = 0;
  for (const field of rootFields(operation.selectionSet, fragments, variables)) {
    const cost = fieldCost(root, field, variables);
    if (cost.waits) tokenWaits++;
    items += cost.items;
    mutations += cost.mutations;
  }

  const errors: GraphQLError[] = [];
  if (tokenWaits > limits.maxTokenWaits) {
    errors.push(
      new GraphQLError(
        `The request has ${tokenWaits} fields given a consistency token (after:); at most ${limits.maxTokenWaits} field per request waits for a consistency token.`,
      ),
    );
  }
  if (mutations > limits.maxMutations) {
    errors.push(
      new GraphQLError(
        `The request has ${mutations} mutations; at most ${limits.maxMutations} mutations are accepted per request.`,
      ),
    );
  }
  if (items > limits.maxItems) {
    errors.push(
      new GraphQLError(
        `The request reads up to ${items} tasks and history entries (the page size of each list, tasks and history, 1 per task); at most ${limits.maxItems} are accepted per request.`,
      ),
    );
  }
  return errors;
}

function fieldCost(root: GraphQLObjectType, node: FieldNode, variables: Record<string, unknown>): FieldCost {
  if (root.name === "Mutation") return MUTATION;
  const definition = root.getFields()[node.name.value];
  const cost = FIELD_COSTS[`${root.name}.${node.name.value}`];
  if (!definition || !cost) return FREE;
  try {
    return cost(getArgumentValues(definition, node, variables));
  } catch (error) {
    // Arguments that do not coerce fail the field before its resolver runs: it costs nothing.
    if (error instanceof GraphQLError) return FREE;
    throw error;
  }
}

/** The root fields that will run, one per response key (the first, as graphql-js executes the first one's args). */
function rootFields(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): FieldNode[] {
  const byKey = new Map<string, FieldNode>();
  const spread = new Set<string>();
  const included = (node: Parameters<typeof getDirectiveValues>[1]) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  const collect = (selections: SelectionSetNode) => {
    for (const selection of selections.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (!byKey.has(key)) byKey.set(key, selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(set);
  return [...byKey.values()];
}

/** The most checks a wait of WAIT_LIMIT_MS makes (its polls, with backoff): 11. */
export const WAIT_CHECKS = pollsWithin(WAIT_LIMIT_MS);
/** Checks of a write's wait for the fold: 1 s before its first nudge, then a wait per 500 ms window: 7 + 4 × 6. */
const FOLD_WAIT_CHECKS = pollsWithin(1000) + 4 * pollsWithin(500);
/** Redis commands of one script call: its EVALSHA, and the EVAL that follows when Redis does not hold it yet. */
const SCRIPT = 2;
/** Root fields of a query: 20 aliased (the document limit), and each of list, tasks, task, history, projection once. */
const ROOT_FIELDS = DEFAULT_LIMITS.maxAliases + 5;
/** Redis commands of a script called again for the same field: its EVALSHA (Redis holds it since its first call). */
const SCRIPT_AGAIN = 1;
/**
 * Redis commands of a root field's read. On a named list, its look (see shared/lists/reads.ts): one script that
 * reads the list's registry entry with the field's page, task or history; the same script again first for a view
 * id the isolate has not seen yet (that look finds its list's id), and again after the token's wait for an id the
 * registry does not know. On the default list, the read alone (a script at most).
 */
const FIELD_READ = SCRIPT + 2 * SCRIPT_AGAIN;
/** Redis commands of opening a mutation's list: its look (with the list's size for a create), and one before it for a view id. */
const OPEN_LIST_TO_CHANGE = SCRIPT + SCRIPT_AGAIN;
/** Redis commands of one read of the projection's status (checkpoints, counters, problems, stops, rebuild). */
const STATUS_COMMANDS = 8;
/** Redis commands of a guard's read of a task before a write (one pipeline). */
const READ_FOR_WRITE = 5;
/** Tries of a write at deciding: all but the last may end in a wait for the fold. */
const WRITE_ATTEMPTS = MAX_ATTEMPTS;

/**
 * The most one request costs, per part of it, derived from the bounds above (docs/security.md shows the sums). Log
 * requests are per partition where they read heads (`partitions`); on the redis-streams log they are Redis
 * commands instead. A network error retried by a client can double a call; QStash drops the repeated nudges of a
 * partition within a 500 ms window as duplicates, but each is a publish.
 */
export const REQUEST_BOUND = {
  /** The live namespace's pointer, read once per request. */
  request: { redis: 1 },
  /**
   * A query (any document within the bounds): every root field's read (on a named list with the look that opens it),
   * the status once, one token wait and the field read again after it.
   */
  query: {
    redis: ROOT_FIELDS * FIELD_READ + STATUS_COMMANDS + WAIT_CHECKS + SCRIPT,
    logPerPartition: 1,
    qstash: 0,
  },
  /**
   * One mutation (at most 5 per request): an update or delete whose first three tries each wait the whole bound
   * for the fold (reading the guard, a log head, the guard at every check, a nudge per window), then reserve,
   * append, commit and poke; an idempotency key's claim, its retry and its completion.
   */
  mutation: {
    redis:
      (WRITE_ATTEMPTS - 1) * (READ_FOR_WRITE + FOLD_WAIT_CHECKS * READ_FOR_WRITE) +
      READ_FOR_WRITE +
      // reserve, commit, and a release (or the history a retried write reads)
      3 * SCRIPT +
      // the idempotency key's claim, its retry, its completion
      3 * SCRIPT +
      OPEN_LIST_TO_CHANGE,
    log: WRITE_ATTEMPTS - 1 + 2,
    qstash: (WRITE_ATTEMPTS - 1) * 4 + 1,
  },
};
