// The one error type the command frame maps to exit 2: what the user gave is wrong (an argument, a stack
// file, its config, a policy config, a base to compare with). Library functions throw a subclass; the
// entry prints the message as it is, never a stack trace.
export class InputError extends Error {}

/** The stack config is invalid; the message lists every problem as `key.path: message`. */
export class StackConfigInvalid extends InputError {}
