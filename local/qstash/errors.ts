/** A request the emulator refuses, carrying the HTTP status and the `{error}` text QStash would send. */
export class QStashRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "QStashRequestError";
  }
}

export function badRequest(message: string): QStashRequestError {
  return new QStashRequestError(400, message);
}
