/**
 * An expected refusal thrown by an emulator's route: the HTTP status to answer with, and the message that the
 * emulator's router puts in its service's error body, in one place. Each emulator names its own subclass.
 */
export class StatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
