// The Nest logger of every in-process test app: every level goes to the secret scan
// (a secret logged at debug level is still a leak); only warnings and errors are printed.
import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { secretScan } from './secret-scan';

const PRINTED: LogLevel[] = ['error', 'warn', 'fatal'];

export class CapturedLogger extends ConsoleLogger {
  private lines: string[] = [];

  constructor(source: string) {
    super({ logLevels: ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] });
    secretScan.watch(`${source} log`, () => this.lines.join('\n'));
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    this.lines.push(
      [logLevel, context, ...messages.map(text), errorStack === undefined ? '' : text(errorStack), params ? text(params) : ''].join(' '),
    );
    if (logLevel && PRINTED.includes(logLevel)) super.printMessages(messages, context, logLevel, writeStreamType, errorStack, params);
  }
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack ?? value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
