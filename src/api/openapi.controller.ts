import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController, OpenAPIObject } from '@nestjs/swagger';
import { RestApiDocument } from './rest-api-document';

/** The OpenAPI document, without credentials: it describes routes, never data. */
@ApiExcludeController()
@Controller('api')
export class OpenApiController {
  constructor(private readonly document: RestApiDocument) {}

  @Get('openapi.json')
  @Header('Cache-Control', 'no-cache')
  openapi(): OpenAPIObject {
    return this.document.get();
  }
}
