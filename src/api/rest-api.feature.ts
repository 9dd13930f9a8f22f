import { CanActivate, Controller, Provider, Type } from '@nestjs/common';
import { ApiScopeGuard } from '../auth/api-scope.guard';
import { TOKEN_HEALTH_API_GUARD } from '../auth/auth.tokens';
import { ConfigError } from '../config/config.error';
import { ApiDocsController } from './api-docs.controller';
import { ChecksController } from './checks.controller';
import { ConnectionsController } from './connections.controller';
import { OpenApiController } from './openapi.controller';
import { ProblemDetailsFilter } from './problem-details.filter';
import { RestApiDocument } from './rest-api-document';
import { REST_API_CONTROLLERS } from './rest-api.tokens';
import { SummaryController } from './summary.controller';

/** Where and how the REST API is mounted (the `api` option of TokenHealthModule). */
export interface RestApiOptions {
  /** Default true. */
  enabled?: boolean;
  /** Default `api`: routes under `/api/v1`, the document at `/api/openapi.json`, rendered at `/api/docs`. */
  path?: string;
  /** Your own guard instead of the admin token; it reads the route's scope under REQUIRED_SCOPE. */
  guard?: Type<CanActivate>;
}

export interface RestApiParts {
  controllers: Type[];
  providers: Provider[];
}

const ROUTES: [Type, string][] = [
  [ConnectionsController, 'v1/connections'],
  [SummaryController, 'v1/summary'],
  [ChecksController, 'v1/checks'],
];

/**
 * The REST API's controllers and providers, mounted inside TokenHealthModule:
 * its controllers call the very service instances the resolvers do (one
 * in-process cycle to join, one counts cache), which a module of its own could
 * reach only through a circular import.
 */
export function restApi(options: RestApiOptions = {}): RestApiParts {
  if (options.enabled === false) return { controllers: [], providers: [] };
  const base = apiBase(options.path);
  const routes = ROUTES.map(([controller, path]) => mountedAt(controller, `${base}/${path}`, `api/${path}`));
  const document = mountedAt(OpenApiController, base, 'api');
  const docs = mountedAt(ApiDocsController, `${base}/docs`, 'api/docs');
  return {
    controllers: [...routes, document, docs],
    providers: [
      ApiScopeGuard,
      ProblemDetailsFilter,
      RestApiDocument,
      { provide: REST_API_CONTROLLERS, useValue: routes },
      options.guard ? { provide: TOKEN_HEALTH_API_GUARD, useClass: options.guard } : { provide: TOKEN_HEALTH_API_GUARD, useValue: null },
    ],
  };
}

function apiBase(path = 'api'): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(trimmed)) {
    throw new ConfigError(`The REST API path "${path}" must be one or more plain URL segments, e.g. "api"`);
  }
  return trimmed;
}

function mountedAt(controller: Type, path: string, declared: string): Type {
  if (path === declared) return controller;
  const mounted = class extends (controller as new (...args: never[]) => object) {};
  Object.defineProperty(mounted, 'name', { value: `Mounted${controller.name}` });
  Controller(path)(mounted);
  return mounted as Type;
}
