/** Where the part of a line that interests the reader ends. */
export interface HeadRule {
  /**
   * Given the bytes collected from the start of a line so far, the length of
   * its head, or undefined to collect more. `searchFrom` is how many of those
   * bytes were seen by the previous call (search only past it, less a
   * marker's length). `complete` is true once the line's newline was reached:
   * then return the head's final length.
   */
  headEnd(collected: Buffer, searchFrom: number, complete: boolean): number | undefined;
  /** Collect at most this many bytes of a line; a head not found by then is reported as undefined. */
  maxHeadBytes: number;
}

export interface ScannedLines {
  /** Offset just past the last complete line (where the next read should start). */
  end: number;
  /** Total bytes read. */
  bytes: number;
  /** The head of an unfinished last line (no newline yet), if it had any bytes. */
  trailing?: Buffer;
}

/**
 * Reads newline-terminated lines and hands over only the start of each,
 * with its byte offset and length: a trace line's metadata comes before
 * its bodies, so indexing a 400 KiB line costs the few hundred bytes of its
 * head, never a decode of the rest. Lines are split on bytes, so a
 * multi-byte character split across chunks stays whole.
 */
export async function scanLineHeads(
  source: AsyncIterable<Buffer>,
  startOffset: number,
  rule: HeadRule,
  onLine: (head: Buffer | undefined, offset: number, length: number) => void,
): Promise<ScannedLines> {
  let lineStart = startOffset;
  let position = startOffset;
  /** Bytes of the current line collected so far, while its head is still open. */
  let pieces: Buffer[] = [];
  let collected = 0;
  let searched = 0;
  /** The current line's head once found; `null` when it overran `maxHeadBytes`. */
  let head: Buffer | null | undefined;

  const collect = (piece: Buffer, complete: boolean): void => {
    if (piece.length > 0) {
      pieces.push(piece);
      collected += piece.length;
    }
    const joined = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, collected);
    pieces = [joined];
    const end = rule.headEnd(joined, searched, complete);
    searched = collected;
    if (end !== undefined) head = joined.subarray(0, end);
    else if (complete || collected > rule.maxHeadBytes) head = null;
    if (head !== undefined) pieces = [];
  };

  for await (const chunk of source) {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const pieceEnd = newline === -1 ? chunk.length : newline;
      if (head === undefined) {
        const piece = chunk.subarray(start, pieceEnd);
        // Most heads end inside their first chunk: look there without copying, then copy the head alone
        // (it outlives the chunk, whose memory the stream may reuse). Past the head, nothing is kept.
        const end = pieces.length === 0 ? rule.headEnd(piece, 0, newline !== -1) : undefined;
        if (end !== undefined) head = Buffer.from(piece.subarray(0, end));
        else collect(Buffer.from(piece), newline !== -1);
      }
      position += pieceEnd - start;
      if (newline === -1) break;
      position += 1;
      onLine(head ?? undefined, lineStart, position - lineStart);
      lineStart = position;
      pieces = [];
      collected = 0;
      searched = 0;
      head = undefined;
      start = newline + 1;
    }
  }
  const scanned: ScannedLines = { end: lineStart, bytes: position - startOffset };
  if (position > lineStart) {
    const trailing = head === undefined ? pieces[0] : (head ?? undefined);
    if (trailing) scanned.trailing = trailing;
  }
  return scanned;
}
