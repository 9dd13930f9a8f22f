import { createServer } from 'node:net';
import { ConfigError, ConfigErrorCode } from './config.error';

/**
 * Listens on PORT for a moment, as the HTTP server will (every address), so a port taken by
 * another process stops the start with one line before any other work is done.
 */
export async function ensurePortAvailable(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(portUnavailable(port, error)));
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

export function portUnavailable(port: number, error: NodeJS.ErrnoException): ConfigError {
  const why = error.code === 'EADDRINUSE' ? 'is already in use by another process' : 'cannot be listened on';
  return new ConfigError(
    `Invalid configuration: PORT=${port} ${why} (${error.code ?? error.message}); stop that process or choose another PORT`,
    ConfigErrorCode.PortUnavailable,
  );
}

export function isListenError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && (error as NodeJS.ErrnoException).syscall === 'listen';
}
