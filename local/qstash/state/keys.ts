/**
 * The signing key pair (docs/protocols.md#signing): deliveries are signed with `current`; receivers accept
 * `current` or `next`. Rotation promotes `next` and makes a new random `next`.
 */
import { randomId } from "./ids";

export class SigningKeys {
  constructor(
    public current: string,
    public next: string,
  ) {}

  rotate(): { current: string; next: string } {
    this.current = this.next;
    this.next = randomId("sig_", 28);
    return this.toJSON();
  }

  toJSON(): { current: string; next: string } {
    return { current: this.current, next: this.next };
  }
}
