/**
 * - `NOT_FOUND`: the task was never created or has been deleted;
 * - `CONFLICT`: `expectedVersion` differs from the task's version, or a create reuses an existing id;
 * - `BAD_USER_INPUT`: a field fails validation.
 */
export type DomainErrorCode = "NOT_FOUND" | "CONFLICT" | "BAD_USER_INPUT";

/**
 * A rejected command. `decide` returns it (it does not throw it); the shell maps `code` to a GraphQL
 * error in one place. `field` names the command field at fault when there is one.
 */
export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly code: DomainErrorCode;
  readonly field: string | undefined;

  constructor(code: DomainErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}
