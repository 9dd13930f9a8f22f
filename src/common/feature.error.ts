/**
 * Base of every error the module throws on purpose. Each feature has one subclass
 * with a string enum of codes, so a catch site tells failures apart by `code` (a
 * `switch` ending in assertNever) rather than by a class per case. `name` is the
 * concrete class's, so logs and `describe(error)` read as before.
 */
export abstract class FeatureError<Code extends string> extends Error {
  protected constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
