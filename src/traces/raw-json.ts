/**
 * A body already held as JSON text (the request as the client sent it, an
 * answer relayed as the provider sent it). The trace writer embeds the text
 * as it is instead of re-serialising the parsed value: cheaper for the
 * 400 KiB histories Claude Code sends, and safe for nesting too deep for
 * JSON.stringify. The text must be valid JSON.
 */
export class RawJson {
  constructor(readonly text: string) {}

  /**
   * The text on one line. In valid JSON a raw line break can only be
   * whitespace between tokens (inside strings it is escaped), so replacing it
   * with a space changes nothing but keeps the trace line whole.
   */
  oneLine(): string {
    return this.text.includes('\n') || this.text.includes('\r') ? this.text.replace(/[\r\n]/g, ' ') : this.text;
  }
}
