import { INestApplication, Inject, Injectable } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { REST_API_CONTROLLERS, RestApiControllers } from './rest-api.tokens';

class RestApiRoutes {}

/**
 * The OpenAPI 3.1 document of the REST routes, generated from their decorators
 * once, on first use. It is built from the mounted controllers alone, so a host
 * app's own routes and the module's other faces (console, metrics) stay out.
 */
@Injectable()
export class RestApiDocument {
  private document?: OpenAPIObject;

  constructor(
    private readonly modules: ModulesContainer,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(REST_API_CONTROLLERS) private readonly controllers: RestApiControllers,
  ) {}

  get(): OpenAPIObject {
    this.document ??= withoutLoneAllOf(SwaggerModule.createDocument(this.restRoutesOnly(), config(), { autoTagControllers: false }));
    return this.document;
  }

  /** What SwaggerModule scans of an application (its module container, config and adapter), narrowed to the REST controllers. */
  private restRoutesOnly(): INestApplication {
    const wanted = new Set<unknown>(this.controllers);
    const controllers = new Map(
      [...this.modules.values()].flatMap((module) => [...module.controllers].filter(([, wrapper]) => wanted.has(wrapper.metatype))),
    );
    const modules = Object.assign(new Map([['rest-api', { metatype: RestApiRoutes, controllers, imports: new Set() }]]), {
      applicationId: this.modules.applicationId,
    });
    return {
      container: { getModules: () => modules },
      config: new ApplicationConfig(),
      getHttpAdapter: () => this.adapterHost.httpAdapter,
    } as unknown as INestApplication;
  }
}

function config(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('token-health REST API')
    .setDescription('The fleet of OAuth connections, their health and checks. Errors are RFC 9457 application/problem+json.')
    .setVersion('1')
    .addServer('/')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The admin token or an API key' })
    .build();
}

/** `{ allOf: [$ref] }` is how the generator wraps an enum for OpenAPI 3.0; 3.1 takes the `$ref` itself. */
function withoutLoneAllOf<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutLoneAllOf) as T;
  if (!node || typeof node !== 'object') return node;
  const entries = Object.entries(node);
  if (entries.length === 1 && entries[0][0] === 'allOf' && Array.isArray(entries[0][1]) && entries[0][1].length === 1) {
    return withoutLoneAllOf(entries[0][1][0] as T);
  }
  return Object.fromEntries(entries.map(([key, value]) => [key, withoutLoneAllOf(value)])) as T;
}
