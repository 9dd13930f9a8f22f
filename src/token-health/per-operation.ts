/**
 * Work done at most once per GraphQL operation, however many aliases ask for
 * it: the results are keyed by the operation's context object, which GraphQL
 * creates per request and which is garbage once the request is answered.
 */
export class PerOperation {
  private readonly results = new WeakMap<object, Map<string, Promise<unknown>>>();

  once<T>(context: object, key: string, work: () => Promise<T>): Promise<T> {
    let done = this.results.get(context);
    if (!done) this.results.set(context, (done = new Map<string, Promise<unknown>>()));
    let result = done.get(key) as Promise<T> | undefined;
    if (!result) done.set(key, (result = work()));
    return result;
  }
}
