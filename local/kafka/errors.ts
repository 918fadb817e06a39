/**
 * The one error type the Kafka emulator's routes throw for an expected failure: it carries the HTTP status,
 * and the router turns it into the `{error, status}` JSON body Upstash answers with.
 */
export class KafkaHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "KafkaHttpError";
  }
}

export function badRequest(message: string): KafkaHttpError {
  return new KafkaHttpError(400, message);
}

export function notFound(message: string): KafkaHttpError {
  return new KafkaHttpError(404, message);
}
