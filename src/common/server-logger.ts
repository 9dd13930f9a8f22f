import { ConsoleLogger, LogLevel } from '@nestjs/common';

// The framework's start-up chatter (a line per module and route) is detail, not news: debug level.
const FRAMEWORK_DETAIL = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'GraphQLModule']);

export interface ServerLoggerOptions {
  /** `json`: one object per line (level, pid, timestamp, context, message); `text`: readable lines. */
  format: 'json' | 'text';
  /** The levels printed. */
  logLevels: LogLevel[];
}

/** The standalone server's logger: Nest's own, in JSON or text, with framework mapping lines at debug level. */
export class ServerLogger extends ConsoleLogger {
  constructor({ format, logLevels }: ServerLoggerOptions) {
    super({
      logLevels,
      json: format === 'json',
      colors: format === 'text' && Boolean(process.stdout.isTTY),
      prefix: 'token-health',
    });
  }

  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: LogLevel = 'log',
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    // The bootstrap says why a start failed itself (one line, or the stack when unexpected).
    if (context === 'ExceptionHandler') return;
    if (logLevel === 'log' && FRAMEWORK_DETAIL.has(context)) {
      if (!this.isLevelEnabled('debug')) return;
      logLevel = 'debug';
    }
    super.printMessages(messages, context, logLevel, writeStreamType, errorStack, params);
  }
}
