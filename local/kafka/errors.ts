/**
 * The one error type the Kafka emulator's routes throw for an expected failure: it carries the HTTP status,
 * and the router turns it into the `{error, status}` JSON body Upstash answers with.
 */
import { StatusError } from "../common/errors";

export class KafkaHttpError extends StatusError {}

export function badRequest(message: string): KafkaHttpError {
  return new KafkaHttpError(400, message);
}

export function notFound(message: string): KafkaHttpError {
  return new KafkaHttpError(404, message);
}
