import { ExecutionContext, Type } from '@nestjs/common';

type HttpArgumentsHost = ReturnType<ExecutionContext['switchToHttp']>;
type RpcArgumentsHost = ReturnType<ExecutionContext['switchToRpc']>;
type WsArgumentsHost = ReturnType<ExecutionContext['switchToWs']>;

/** Stands in for the resolver: the request is checked before any resolver is chosen. */
class GraphqlRequest {
  // A function value, not a method: getHandler hands it out detached from the class.
  static readonly handle = (): void => {};
}

/**
 * What a guard sees when it runs before GraphQL: type 'graphql', resolver
 * arguments `[root, args, context, info]` with `context = { req, res }` (what
 * GqlExecutionContext.getContext() returns), and the HTTP request for guards
 * written against switchToHttp().
 */
export class PreParseExecutionContext implements ExecutionContext {
  private readonly args: unknown[];

  constructor(
    private readonly req: unknown,
    private readonly res: unknown,
    private readonly next: unknown,
  ) {
    this.args = [undefined, {}, { req, res }, undefined];
  }

  getClass<T = unknown>(): Type<T> {
    return GraphqlRequest as unknown as Type<T>;
  }

  getHandler(): (...args: unknown[]) => unknown {
    return GraphqlRequest.handle;
  }

  getArgs<T extends unknown[] = unknown[]>(): T {
    return this.args as T;
  }

  getArgByIndex<T = unknown>(index: number): T {
    return this.args[index] as T;
  }

  getType<T extends string = string>(): T {
    return 'graphql' as T;
  }

  switchToHttp(): HttpArgumentsHost {
    return {
      getRequest: <T>() => this.req as T,
      getResponse: <T>() => this.res as T,
      getNext: <T>() => this.next as T,
    };
  }

  switchToRpc(): RpcArgumentsHost {
    throw new Error('A GraphQL request has no RPC context');
  }

  switchToWs(): WsArgumentsHost {
    throw new Error('A GraphQL request has no WebSocket context');
  }
}
