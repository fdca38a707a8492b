import type { ConfigProblemCode } from './problem-codes.js';

/** One thing wrong (or suspicious) in the config folder, with where to fix it. */
export interface ConfigProblem {
  severity: 'error' | 'warning';
  /** Stable code, one of `configProblemCodes` (kept `string` so callers can report their own failures). */
  code: string;
  /** Path relative to the config folder, with `/` separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
}

/** Where in a file a problem is. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Builds a problem whose code is checked against the registry at compile time. */
export function configProblem(code: ConfigProblemCode, file: string, position: SourcePosition, message: string, severity: 'error' | 'warning' = 'error'): ConfigProblem {
  return { severity, code, file, line: position.line, column: position.column, message };
}
