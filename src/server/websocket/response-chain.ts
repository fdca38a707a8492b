/**
 * One kept response: the items it added to the conversation (the new input of
 * its `response.create`, then its output items), as comma-joined JSON texts,
 * and the response it continued from. A chain of links shares its history, so
 * keeping several responses of one conversation costs about one conversation.
 */
export interface ChainLink {
  readonly parent: ChainLink | undefined;
  /** The link's items as JSON texts joined by commas (the inside of a JSON array); empty when it added none. */
  readonly items: string;
}

/**
 * What one Responses WebSocket connection remembers of the responses it
 * served, so a `response.create` that names `previous_response_id` and carries
 * only the new items can be expanded into the whole input before routing.
 * Codex continues from the last response of the connection; it resends the
 * full input when told the previous response is unknown.
 *
 * Bounded: at most `maxResponses` responses, and at most `maxLength`
 * characters of item JSON across everything kept (the oldest responses go
 * first). A newest response alone longer than that is not kept either: its
 * conversation could not be sent on as a request anyway.
 */
export class ResponseChain {
  private readonly kept = new Map<string, ChainLink>();

  constructor(private readonly maxResponses: number) {}

  /** The kept response `id`, or undefined when the connection has none by that id (never made, or dropped). */
  find(id: string): ChainLink | undefined {
    return this.kept.get(id);
  }

  /**
   * The whole input as a JSON array text: the history of `previous` (oldest
   * first), then `newItems` (a comma-joined JSON item list).
   */
  expandInput(previous: ChainLink | undefined, newItems: string): string {
    const pieces: string[] = newItems === '' ? [] : [newItems];
    for (let link = previous; link !== undefined; link = link.parent) {
      if (link.items !== '') pieces.push(link.items);
    }
    pieces.reverse();
    return `[${pieces.join(',')}]`;
  }

  /** Keeps response `id`: it continued from `previous`, took `newItems` as new input and produced `outputItems`. */
  remember(id: string, previous: ChainLink | undefined, newItems: string, outputItems: readonly string[], maxLength: number): void {
    const added = [newItems, ...outputItems].filter((items) => items !== '').join(',');
    this.kept.delete(id);
    this.kept.set(id, { parent: previous, items: added });
    while (this.kept.size > this.maxResponses) this.dropOldest();
    while (this.kept.size > 0 && this.keptLength() > maxLength) this.dropOldest();
  }

  /** Number of responses kept. */
  get size(): number {
    return this.kept.size;
  }

  /** Characters of item JSON reachable from the kept responses, each shared link counted once. */
  keptLength(): number {
    const seen = new Set<ChainLink>();
    let total = 0;
    for (const head of this.kept.values()) {
      for (let link: ChainLink | undefined = head; link !== undefined && !seen.has(link); link = link.parent) {
        seen.add(link);
        total += link.items.length;
      }
    }
    return total;
  }

  private dropOldest(): void {
    const oldest = this.kept.keys().next().value;
    if (oldest !== undefined) this.kept.delete(oldest);
  }
}
