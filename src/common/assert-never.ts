/** Ends an exhaustive `switch`: the compiler rejects a new enum member nobody handles. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case ${String(value)}`);
}
