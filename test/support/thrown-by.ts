/** The error `act` throws, to match as an object (jest's asymmetric matchers are untyped). */
export function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
