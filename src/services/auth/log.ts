/**
 * One JSON line per notable event on stdout: start, ready, shutdown, a dependency going down
 * or coming back, an unexpected error. Never one line per request: the metrics count those.
 */
export type LogLevel = 'info' | 'warn' | 'error';

export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export type LineWriter = (line: string) => void;

export function createLogger(
  replica: string,
  write: LineWriter = (line) => process.stdout.write(line),
): Logger {
  const emit = (level: LogLevel, event: string, fields: LogFields = {}): void => {
    const record = { time: new Date().toISOString(), level, service: 'auth', replica, event };
    write(`${JSON.stringify({ ...record, ...fields })}\n`);
  };

  return {
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}
