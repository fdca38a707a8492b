/**
 * Operational log: one JSON object per line on stderr, for lifecycle events
 * (start, reload, drain, trace-disk problems). Requests are never logged here;
 * they go to the trace files, written off the request path.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

export function createStderrLogger(options: { quiet?: boolean } = {}): Logger {
  return {
    log(level, message, fields) {
      if (options.quiet && level !== 'error') return;
      const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
      process.stderr.write(`${line}\n`);
    },
  };
}

export const silentLogger: Logger = { log() {} };
