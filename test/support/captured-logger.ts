// The Nest logger of every in-process test app (and, through quiet-logs.ts, of every spec): every
// level goes to the secret scan (a secret logged at debug level is still a leak) and to captureLogs
// for specs that assert a line; nothing is printed, so a green run is quiet. TEST_LOG_LEVEL=warn
// (or any level) prints that level and the more severe ones while looking into a failure.
import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { secretScan } from './secret-scan';

const LEVELS: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
const threshold = LEVELS.indexOf(process.env.TEST_LOG_LEVEL as LogLevel);
const PRINTED: LogLevel[] = threshold < 0 ? [] : LEVELS.slice(threshold);

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
