import { Controller, Type } from '@nestjs/common';
import { AdminConsoleController } from './admin-console.controller';

/** The console controller mounted under the host's chosen path (the routes themselves are AdminConsoleController's). */
export function adminConsoleControllerAt(path: string): Type<AdminConsoleController> {
  if (path === 'admin') return AdminConsoleController;
  class MountedAdminConsoleController extends AdminConsoleController {}
  Controller(path)(MountedAdminConsoleController);
  return MountedAdminConsoleController;
}
