import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  Lexer,
  type SelectionSetNode,
  Source,
  TokenKind,
  type ValidationRule,
} from "graphql";

/**
 * Bounds on what one request may ask for, checked before the schema's validation and execution so that a hostile
 * document costs little more than reading it. Each one is a request error with a message naming the limit. Tokens
 * are counted before parsing; the document's shape is checked by a validation rule ({@link documentLimitsRule}).
 */
export interface GraphQLLimits {
  /** Lexical tokens in the document (comments excluded); counted before parsing, so parse depth is bounded too. */
  maxTokens: number;
  /** Nesting of fields, through fragments (`{ list { id } }` is 2). */
  maxDepth: number;
  /** Field selections, counting a fragment's fields again at every spread. */
  maxFields: number;
  /** Aliased fields, counted like fields: aliases are how one document asks for the same costly field many times. */
  maxAliases: number;
  /** Operations in one document. */
  maxOperations: number;
  /** Entries of the `variables` object. */
  maxVariables: number;
  /** Nesting of arrays and objects inside `variables` and `extensions`. */
  maxJsonDepth: number;
}

/**
 * The defaults. The standard introspection query (the one GraphiQL sends, with every option) has 184 tokens, is 15
 * fields deep and has 230 fields, so introspection stays usable; the schema's own types are at most 3 deep.
 */
export const DEFAULT_LIMITS: GraphQLLimits = {
  maxTokens: 2000,
  maxDepth: 15,
  maxFields: 300,
  maxAliases: 20,
  maxOperations: 10,
  maxVariables: 50,
  maxJsonDepth: 10,
};

/**
 * The document's tokens, counted up to one past `max` (lexing stops there). A syntax error ends the count where it
 * is: the parser reports it.
 */
export function countTokens(query: string, max: number): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (count <= max && lexer.advance().kind !== TokenKind.EOF) count++;
  } catch (error) {
    if (error instanceof GraphQLError) return count;
    throw error;
  }
  return count;
}

/** The error for a document over the token limit. */
export function tokenLimitError(max: number): GraphQLError {
  return new GraphQLError(`The document is too large: more than ${max} tokens (the limit).`);
}

/**
 * The document limits (depth, fields, aliases, operations) as a graphql-js validation rule, run in a pass of its
 * own before the schema's rules: a document over a limit is refused for that alone, never also walked by them.
 */
export function documentLimitsRule(limits: GraphQLLimits): ValidationRule {
  return (context) => ({
    Document: {
      leave(document) {
        for (const error of documentLimitErrors(document, limits)) context.reportError(error);
      },
    },
  });
}

interface Cost {
  depth: number;
  fields: number;
  aliases: number;
}

/**
 * Checks depth, fields, aliases and operations of a parsed document; one error per limit exceeded. Fragments are
 * expanded where they are spread (each fragment is measured once), so a fragment spread many times counts many
 * times. Cycles and unknown fragments count as nothing here: validation rejects them next.
 */
function documentLimitErrors(document: DocumentNode, limits: GraphQLLimits): GraphQLError[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operations = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations++;
  }
  const measure = fragmentMeasure(fragments);
  const total: Cost = { depth: 0, fields: 0, aliases: 0 };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const cost = measure(definition.selectionSet);
    total.depth = Math.max(total.depth, cost.depth);
    total.fields += cost.fields;
    total.aliases += cost.aliases;
  }

  const errors: GraphQLError[] = [];
  if (operations > limits.maxOperations) {
    errors.push(
      new GraphQLError(
        `The document has ${operations} operations; at most ${limits.maxOperations} are accepted.`,
      ),
    );
  }
  if (total.depth > limits.maxDepth) {
    errors.push(
      new GraphQLError(
        `The query is ${total.depth} fields deep; at most ${limits.maxDepth} levels are accepted.`,
      ),
    );
  }
  if (total.fields > limits.maxFields) {
    errors.push(
      new GraphQLError(
        `The query selects ${total.fields} fields (a fragment counts at every spread); at most ${limits.maxFields} are accepted.`,
      ),
    );
  }
  if (total.aliases > limits.maxAliases) {
    errors.push(
      new GraphQLError(
        `The query has ${total.aliases} aliases (a fragment counts at every spread); at most ${limits.maxAliases} are accepted.`,
      ),
    );
  }
  return errors;
}

/** Measures selection sets, memoizing fragments so a fragment used many times is walked once. */
function fragmentMeasure(fragments: ReadonlyMap<string, FragmentDefinitionNode>) {
  const measured = new Map<string, Cost>();
  const inProgress = new Set<string>();

  const fragmentCost = (name: string): Cost => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return { depth: 0, fields: 0, aliases: 0 };
    inProgress.add(name);
    const cost = selectionCost(fragment.selectionSet);
    inProgress.delete(name);
    measured.set(name, cost);
    return cost;
  };

  const selectionCost = (set: SelectionSetNode): Cost => {
    const cost: Cost = { depth: 0, fields: 0, aliases: 0 };
    for (const selection of set.selections) {
      let inner: Cost;
      if (selection.kind === Kind.FIELD) {
        const below = selection.selectionSet
          ? selectionCost(selection.selectionSet)
          : { depth: 0, fields: 0, aliases: 0 };
        inner = {
          depth: below.depth + 1,
          fields: below.fields + 1,
          aliases: below.aliases + (selection.alias ? 1 : 0),
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = selectionCost(selection.selectionSet);
      } else {
        inner = fragmentCost(selection.name.value);
      }
      cost.depth = Math.max(cost.depth, inner.depth);
      cost.fields += inner.fields;
      cost.aliases += inner.aliases;
    }
    return cost;
  };

  return selectionCost;
}

/** True when `value` nests arrays or objects more than `max` levels deep (a scalar is level 0). */
export function exceedsJsonDepth(value: unknown, max: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (max <= 0) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => exceedsJsonDepth(child, max - 1));
}
