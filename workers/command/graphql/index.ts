/**
 * The GraphQL-over-HTTP boundary of the command worker, over graphql-js: the endpoint passes the graphql-http
 * audit and answers with coded, masked errors.
 */
export type { ErrorMapper } from "./answer";
export { type BoundaryErrorCode, GraphQLAppError, GraphQLRequestError } from "./errors";
export {
  type Admission,
  createGraphQLHandler,
  type GraphQLCostedRequest,
  type GraphQLHandlerOptions,
} from "./handler";
export { DEFAULT_LIMITS, type GraphQLLimits } from "./limits";
export type { ResponseMediaType } from "./media-type";
