import { Controller, Type } from '@nestjs/common';
import { AdminConsoleController } from './admin-console.controller';
import { ApiKeysConsoleController } from './api-keys-console.controller';

/** The console controllers mounted under the host's chosen path (the routes themselves are the controllers'). */
export function consoleControllersAt(path: string): Type[] {
  return [mountedAt(path, AdminConsoleController), mountedAt(path, ApiKeysConsoleController)];
}

function mountedAt<T>(path: string, controller: Type<T>): Type<T> {
  if (path === 'admin') return controller;
  const Mounted = class extends (controller as Type<object>) {} as Type<T>;
  Object.defineProperty(Mounted, 'name', { value: `Mounted${controller.name}` });
  Controller(path)(Mounted);
  return Mounted;
}
