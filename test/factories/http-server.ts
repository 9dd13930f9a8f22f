// The Node server behind a test app, typed: Nest declares `getHttpServer()` as `any`.
import { Server } from 'node:http';
import { TestApp } from '../support/test-app';

export function httpServer(testApp: TestApp): Server {
  const server: Server = testApp.app.getHttpServer();
  return server;
}
