/**
 * The documents the endpoint has checked, kept per isolate by their exact text: counting a text's tokens, parsing
 * it, checking its limits and validating it against the schema cost more CPU than running a small mutation, and a
 * client sends the same few texts again and again (its variables change, not its query). So each is done once per
 * text and isolate, and answered again, refusals included, to every later request with that text.
 *
 * Only what the text alone decides is kept: the document, its limits' errors and its validation errors (per
 * rule set: with introspection or without). Nothing of a request is: its variables, its operation name, its
 * context and whatever depends on them (variable coercion, the cost check, which operation runs, the GET
 * read-only check) are computed for each request from its own parameters, so one request's variables, list or
 * caller can never shape another's answer. A kept document is never changed: graphql-js only reads it.
 */
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { countTokens, documentLimitsRule, type GraphQLLimits, tokenLimitError } from "./limits";

/** A text refused before validation: it does not parse, or exceeds a document limit. */
export interface RefusedDocument {
  refused: "GRAPHQL_PARSE_FAILED" | "QUERY_TOO_COMPLEX";
  errors: readonly GraphQLError[];
}

/** A text that parsed within the limits, its schema validation to be asked for. */
export interface CheckedDocument {
  document: DocumentNode;
  /** The schema's validation errors, with introspection allowed or not: each computed once, then kept. */
  validationErrors(introspection: boolean): readonly GraphQLError[];
}

export type DocumentCheck = RefusedDocument | CheckedDocument;

/** Bounds on the kept documents, by count and by an estimate of their memory. */
export interface DocumentCacheLimits {
  maxEntries: number;
  /** Estimated bytes of the kept texts and their parsed documents; a text estimated above it is never kept. */
  maxBytes: number;
}

/**
 * A hundred texts (an app sends a few dozen), within 4 MiB: about 300 bytes per token of a parsed document
 * (its nodes and the tokens their locations keep), so the cache holds at least seven documents of the most
 * tokens accepted (2,000) and a hundred of a few hundred tokens; an isolate has 128 MB.
 */
export const DOCUMENT_CACHE: DocumentCacheLimits = { maxEntries: 100, maxBytes: 4 * 1024 * 1024 };

const BYTES_PER_TOKEN = 300;

interface Entry {
  check: DocumentCheck;
  bytes: number;
}

/**
 * Checks query texts against `schema` and `limits` as the endpoint does before running one (tokens, parse,
 * document limits, validation), keeping the outcome per text: the least recently used text goes first.
 */
export function createDocumentChecker(
  schema: GraphQLSchema,
  limits: GraphQLLimits,
  cache: DocumentCacheLimits = DOCUMENT_CACHE,
): (query: string) => DocumentCheck {
  const limitRules = [documentLimitsRule(limits)];
  const closedRules = [...specifiedRules, NoSchemaIntrospectionCustomRule];
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const kept = new Map<string, Entry>();
  let keptBytes = 0;

  const checkText = (query: string, tokens: number): DocumentCheck => {
    if (tokens > limits.maxTokens) {
      return { refused: "QUERY_TOO_COMPLEX", errors: [tokenLimitError(limits.maxTokens)] };
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      if (error instanceof GraphQLError) return { refused: "GRAPHQL_PARSE_FAILED", errors: [error] };
      throw error;
    }
    const tooComplex = validate(schema, document, limitRules);
    if (tooComplex.length > 0) return { refused: "QUERY_TOO_COMPLEX", errors: tooComplex };
    const validated = new Map<boolean, readonly GraphQLError[]>();
    return {
      document,
      validationErrors(introspection) {
        let errors = validated.get(introspection);
        if (!errors) {
          errors = validate(schema, document, introspection ? specifiedRules : closedRules);
          validated.set(introspection, errors);
        }
        return errors;
      },
    };
  };

  return (query) => {
    const found = kept.get(query);
    if (found) {
      kept.delete(query);
      kept.set(query, found);
      return found.check;
    }
    // Lexing stops past the limit, so a text over it costs no more than one at it.
    const tokens = countTokens(query, limits.maxTokens);
    const check = checkText(query, tokens);
    const bytes = 2 * query.length + BYTES_PER_TOKEN * tokens;
    if (bytes > cache.maxBytes || cache.maxEntries < 1) return check;
    kept.set(query, { check, bytes });
    keptBytes += bytes;
    for (const [text, entry] of kept) {
      if (kept.size <= cache.maxEntries && keptBytes <= cache.maxBytes) break;
      kept.delete(text);
      keptBytes -= entry.bytes;
    }
    return check;
  };
}
