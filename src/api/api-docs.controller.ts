import { Controller, Get, Header, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ApiExcludeController } from '@nestjs/swagger';
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};
const SWAGGER_UI = dirname(require.resolve('swagger-ui-dist/package.json'));

/** The OpenAPI document rendered by Swagger UI, all of it served from the package (nothing from outside), without credentials. */
@ApiExcludeController()
@Controller('api/docs')
export class ApiDocsController {
  /** `/api/docs`, or wherever the host mounted the API. */
  private readonly base = `/${Reflect.getMetadata(PATH_METADATA, this.constructor) as string}`;

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>token-health REST API</title><link rel="stylesheet" href="${this.base}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="${this.base}/swagger-ui-bundle.js"></script><script src="${this.base}/init.js"></script></body>
</html>
`;
  }

  @Get('init.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  init(): string {
    const document = `${this.base.replace(/\/docs$/, '')}/openapi.json`;
    // validatorUrl null: Swagger UI would otherwise send the document's address to an outside validator.
    return `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(document)}, dom_id: '#swagger-ui', validatorUrl: null });\n`;
  }

  @Get(':asset')
  asset(@Param('asset') asset: string): StreamableFile {
    const type = ASSETS[asset];
    if (!type) throw new NotFoundException();
    return new StreamableFile(createReadStream(join(SWAGGER_UI, asset)), { type });
  }
}
