import { RE2JS } from 're2js';

/**
 * A `model_regex`, matched by RE2 (the re2js port) in time linear in the model's length.
 * Clients choose the model text, and V8's backtracking engine lets one request freeze the
 * event loop on rules like `^claude-(\d|\d\d)+$`; RE2 has no backtracking to exploit.
 * The RE2 instance sits in a private field, out of reach of the snapshot's deep freeze
 * (it keeps a match cache of its own).
 */
export class ModelPattern {
  readonly #re2: RE2JS;
  /** Number of capture groups, for `$N` in targets. */
  readonly groupCount: number;

  private constructor(
    readonly source: string,
    re2: RE2JS,
  ) {
    this.#re2 = re2;
    this.groupCount = re2.groupCount();
  }

  /** Whether the pattern matches anywhere in the model (RE2's DFA; no captures). */
  test(model: string): boolean {
    return this.#re2.test(model);
  }

  /** The whole match and the capture groups (undefined for a group that took no part), or null. */
  exec(model: string): ReadonlyArray<string | undefined> | null {
    return this.#re2.exec(model) as Array<string | undefined> | null;
  }

  /**
   * Compiles a rule's regex. The syntax accepted is JavaScript's (it must compile as a RegExp) that
   * RE2 can also run: backreferences and lookarounds need backtracking and are refused.
   */
  static compile(source: string): ModelPattern | PatternRefusal {
    try {
      new RegExp(source);
    } catch (error) {
      const message = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
      return { kind: 'invalid', message };
    }
    try {
      return new ModelPattern(source, RE2JS.compile(source));
    } catch (error) {
      return { kind: 'not-linear', message: notLinearReason(source, error) };
    }
  }
}

/** Why a regex cannot be a rule: not a regex at all, or one that needs backtracking. */
export interface PatternRefusal {
  kind: 'invalid' | 'not-linear';
  message: string;
}

function notLinearReason(source: string, error: unknown): string {
  if (/\\[1-9]|\\k</.test(source)) return 'a backreference';
  if (/\(\?<?[=!]/.test(source)) return 'a lookaround';
  const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
  return `syntax the linear-time engine (RE2) does not support (${detail})`;
}
