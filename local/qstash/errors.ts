import { StatusError } from "../common/errors";

/** A request the emulator refuses, carrying the HTTP status and the `{error}` text QStash would send. */
export class QStashRequestError extends StatusError {}

export function badRequest(message: string): QStashRequestError {
  return new QStashRequestError(400, message);
}
