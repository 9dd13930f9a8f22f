import { Type } from '@nestjs/common';

/** The REST controller classes as mounted (their paths follow `api.path`): what the OpenAPI document describes. */
export const REST_API_CONTROLLERS = Symbol('REST_API_CONTROLLERS');
export type RestApiControllers = readonly Type[];
