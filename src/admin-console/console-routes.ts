import { ConfigError } from '../config/config.error';

/** Where the console is mounted (default `/admin`); every link, redirect and the cookie path derive from it. */
export class ConsoleRoutes {
  readonly base: string;

  constructor(path = 'admin') {
    const trimmed = path.replace(/^\/+|\/+$/g, '');
    if (!/^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(trimmed)) {
      throw new ConfigError(`The admin console path "${path}" must be one or more plain URL segments, e.g. "admin"`);
    }
    this.base = `/${trimmed}`;
  }

  to(path = ''): string {
    return `${this.base}${path}`;
  }
}
