/** `json`: one JSON object per line (level, pid, timestamp, context, message); `text`: Nest's readable lines. */
export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The least severe level printed; each includes the ones after it. */
export const LOG_LEVEL_NAMES = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as const;
export type LogLevelName = (typeof LOG_LEVEL_NAMES)[number];

export interface LogSettings {
  format: LogFormat;
  level: LogLevelName;
}

/** The levels printed from `level` on. */
export function levelsFrom(level: LogLevelName): LogLevelName[] {
  return LOG_LEVEL_NAMES.slice(LOG_LEVEL_NAMES.indexOf(level));
}
