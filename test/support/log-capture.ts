// Records every message the app's Nest loggers are given (whatever the enabled log levels), still passing it on.
import { Logger } from '@nestjs/common';

export interface LogCapture {
  readonly text: string;
  stop(): void;
}

const LEVELS = ['log', 'warn', 'error', 'debug', 'verbose', 'fatal'] as const;

export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const spies = LEVELS.map((level) => {
    const original = Logger.prototype[level] as (...args: unknown[]) => void;
    return jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, ...args: unknown[]) {
      lines.push(args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))).join(' '));
      original.apply(this, args);
    });
  });
  return {
    get text() {
      return lines.join('\n');
    },
    stop() {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
