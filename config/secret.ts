// A secret from stack config. It never prints itself: String(), JSON.stringify() and util.inspect all show
// a mask, so a secret cannot reach plan output, logs or a thrown message by accident. Only `reveal()`
// (called at the edge, inside pulumi.secret(...)) gives the value.
const MASK = "[secret]";

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return MASK;
  }
}
